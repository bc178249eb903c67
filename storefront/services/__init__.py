"""Business rules, once, for the pages and the API alike.

Each public function is one transaction; failures are exceptions from
``errors``. Nothing here knows about HTTP.
"""
