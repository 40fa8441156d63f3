"""The partnership one-pager for chairs and funders (issue 15 item 5): printable on one or two pages."""
