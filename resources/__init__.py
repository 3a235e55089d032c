"""Files shipped with the Till: the stylesheet and icons. A package only so that they travel inside the
wheel (and any installed copy) as package data; read them through app.resources.resource_path."""
