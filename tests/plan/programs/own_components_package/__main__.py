"""Uses its own components package."""

from components.buckets import logs_bucket

logs_bucket("site")
