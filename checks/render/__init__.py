"""Every rendering of a Report comes from this package, over the same report model.

- `common`: the one-line title, requests grouped by resource, failure lines;
- `markdown`: the Check Run summary and `decaycheck run --markdown`;
- `terminal`: what `decaycheck run` prints (rich);
- `checkrun`: a Check Run's conclusion, title, summary, text and annotations;
- `annotations`: findings and located root causes as annotations on repository lines.

The App publishes what `checkrun` returns and keeps no renderer of its own.
Import the module you need (`from checks.render.markdown import markdown`):
this package imports nothing itself, so a rendering loads only what it uses.
"""
