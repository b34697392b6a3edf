"""The web page of the sales office (`loupan serve`): Starlette, Jinja2 templates, a little plain JavaScript.

Built on `toolkit.api` only: `app.create_app` makes the application, `auth` decides who is asking and what
they may do, the `views_*` modules are the pages and their JSON under /api/.
"""
