"""Open311 GeoReport v2 server: existing 311 clients and city integrations file and
follow reports through the same intake and routing as the web form."""
