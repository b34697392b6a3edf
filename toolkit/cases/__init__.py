"""Customer cases (客户个案) and the duty sheet (值班表): the site run day by day."""
