"""From raw bodies to canonical text: formats, charsets, HTML extraction,
normalising and segmenting."""
