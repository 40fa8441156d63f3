"""Charts drawn on the server as SVG (issue 15 item 2): pure functions from plain data to a
`Chart` (its SVG and the same numbers as a table), for any page or print-out."""
