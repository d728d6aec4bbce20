"""Administration: users and organisations (platform admins; managers for their own company)."""
