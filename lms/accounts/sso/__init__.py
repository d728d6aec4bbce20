"""Single sign-on per organisation: OpenID Connect providers and the accounts they link."""
