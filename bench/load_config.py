"""Settings of the app under load (bench/load.py): production behaviour, loopback HTTP.

Like config/production.example.py, but without Secure cookies (the load test speaks plain HTTP
to 127.0.0.1) and with sign-in limits raised, because fifty users sign in from one address.
The rate limiter itself stays on, with the storage bench/load.py passes in the environment.
"""

ENV_NAME = "production"
SESSION_COOKIE_SECURE = False
LOGIN_LIMIT_PER_ADDRESS = "100000 per minute"
LOGIN_LIMIT_PER_ACCOUNT = "100000 per minute"
RATELIMIT_STORAGE_URI = "memory://"
