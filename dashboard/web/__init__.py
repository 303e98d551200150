"""What Verve serves over plain HTTP beside Streamlit's pages (`dashboard/server.py` puts
it together): the staff login form that sets the session cookie, the self-service link
exchange, health checks, and the middleware that adds security headers and the page
language to every response."""
