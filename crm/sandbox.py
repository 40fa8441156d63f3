"""Templates users write (a partnership's invitation letter), rendered within bounds.

Jinja's `SandboxedEnvironment` keeps a template from reaching Python's internals, but not
from looping: `{% for a in range(99999) %}{% for b in range(99999) %}...` runs for hours, and
`{{ 'x' * 10**9 }}` or a long loop writes gigabytes. So every render happens in a child
process (forked: no start-up cost beyond the fork) that

- is stopped when it has used `seconds` of processor time (a profiling timer in the child,
  and a CPU-time limit, should the parent die first): processor time, not time on the clock,
  so a render waiting for a busy machine's CPU is not cut off as if it looped (a letter that
  renders in 50 ms must not fail because the server is loaded); the clock bounds it too, but
  generously (`wall_seconds`), only so that a child that never gets the CPU cannot hang the caller,
- may grow its memory by at most `MEMORY_HEADROOM` bytes (an address-space limit), and
- stops a text at `max_chars` characters, reporting it too long instead of returning it.

The caller gets each text, or a `RenderFailure` saying in words what went wrong. Pure: no
Flask, no database; the caller ends its transaction first (a render may take `seconds`).
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from dataclasses import dataclass

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

#: how much memory a render may add to what the process already maps
MEMORY_HEADROOM = 256 * 1024 * 1024

#: the clock's bound on a render of `seconds` processor time: `seconds * WALL_FACTOR + WALL_SLACK`
#: (a backstop for a starved machine; the processor-time limit is what stops a loop)
WALL_FACTOR, WALL_SLACK = 10, 20.0

#: how a child stopped by its processor-time bounds ends: the profiling timer (SIGPROF), the
#: soft CPU limit (SIGXCPU), the hard one (SIGKILL)
_CPU_SIGNALS = {signal.SIGPROF, signal.SIGXCPU, signal.SIGKILL}

_ENVIRONMENTS = {
    False: SandboxedEnvironment(autoescape=False, keep_trailing_newline=True),
    True: SandboxedEnvironment(autoescape=True, keep_trailing_newline=True),
}


@dataclass(frozen=True)
class RenderFailure:
    """Why one text did not render, in words for the person who wrote the template."""

    message: str


@dataclass(frozen=True)
class Bounds:
    seconds: float
    max_chars: int


def _render_one(source: str, html: bool, context: dict, max_chars: int, compiled: dict) -> list:
    """["ok", text] or ["error", message]: runs in the child (each template compiled once)."""
    try:
        if (source, html) not in compiled:
            compiled[source, html] = _ENVIRONMENTS[html].from_string(source)
        template = compiled[source, html]
        parts, size = [], 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > max_chars:
                return ["error", f"it produces more than {max_chars:,} characters"]
            parts.append(chunk)
        return ["ok", "".join(parts)]
    except MemoryError:
        return ["error", "it needs too much memory"]
    except (TemplateError, TypeError, ValueError, OverflowError, ArithmeticError, LookupError,
            AttributeError, RecursionError) as error:  # a user's template: every failure is a message
        return ["error", str(error) or error.__class__.__name__]


def wall_seconds(seconds: float) -> float:
    """How long on the clock a render of `seconds` processor time may take at most."""
    return seconds * WALL_FACTOR + WALL_SLACK


def _limit_child(bounds: Bounds) -> None:
    cpu = int(bounds.seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    # the time limit proper: SIGPROF after `seconds` of this process's processor time; its
    # default action ends the process at once, even inside one long C call (a huge power)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, bounds.seconds)
    with open("/proc/self/statm") as statm:  # pages mapped now: the fork shares the parent's
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + MEMORY_HEADROOM, mapped + MEMORY_HEADROOM))


def _child(write_fd: int, items: list[tuple[str, bool, dict]], bounds: Bounds) -> None:
    try:
        _limit_child(bounds)
        compiled: dict = {}
        out = json.dumps([_render_one(s, html, ctx, bounds.max_chars, compiled) for s, html, ctx in items])
        data = out.encode()
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]
        os._exit(0)
    except BaseException:  # noqa: BLE001 - the child must never return into the caller's code
        os._exit(1)


def _read(read_fd: int, deadline: float, limit: int) -> bytes | None:
    """Everything the child writes, or None when it runs past the deadline or the limit."""
    chunks, size = [], 0
    # poll, not select: select() refuses a descriptor numbered 1024 or more (ValueError, a 500),
    # and a long-running server (or test run) with many files and sockets open hands out such numbers
    poller = select.poll()
    poller.register(read_fd, select.POLLIN)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        if not poller.poll(max(1, int(left * 1000))):
            return None
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def render_each(items: list[tuple[str, bool, dict]], seconds: float, max_chars: int) -> list[str | RenderFailure]:
    """Render each (template source, autoescape, context) in one bounded child process.
    Contexts hold plain values (str, int, lists, dicts): the child cannot reach the caller's
    objects' lazy loads, and nothing it does comes back but text."""
    if not items:
        return []
    bounds = Bounds(seconds, max_chars)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(write_fd, items, bounds)
    os.close(write_fd)
    status = None
    try:
        data = _read(read_fd, time.monotonic() + wall_seconds(seconds), len(items) * (max_chars * 6 + 200) + 1024)
        if data is not None:  # the child closed its end: it has ended, or is ending
            status = os.waitpid(pid, 0)[1]
    finally:
        os.close(read_fd)
        if status is None:  # past the clock's bound or the size limit: stop it
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    timed_out = RenderFailure(f"it takes longer than {seconds:g} seconds to render (a loop too large?)")
    if data is None:
        return [timed_out] * len(items)
    try:
        results = json.loads(data)
    except ValueError:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in _CPU_SIGNALS:
            return [timed_out] * len(items)
        return [RenderFailure("it could not be rendered (it needs too much memory?)")] * len(items)
    return [text if outcome == "ok" else RenderFailure(text) for outcome, text in results]
