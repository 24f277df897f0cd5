"""Authoring in the browser: leaders write, copy, share, download and upload their own modules;
every session keeps the version of the content it ran with."""
