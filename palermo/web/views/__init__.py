"""Pages. Each view parses the request, calls one service or selector and renders a template;
the rules live in ``palermo.nrm`` so the pages and the API cannot disagree."""
