"""Verified citizens: a phone proven by a one-time code (``otp``), the session it
opens (``sessions``), how a request shows one (``identity``), e-mail addresses
proven by a link (``email_links``), reports a citizen follows (``follow``) and the
reports that are theirs (``mine``)."""
