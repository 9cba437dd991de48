"""What people and programs read: the diff contract, renderers, CLI tables, the Atom feed."""
