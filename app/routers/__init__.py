"""HTTP routers, one per protocol concern; `app.main.create_app` includes them."""
