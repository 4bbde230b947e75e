"""Every rendering of a Report comes from this package, over the same report model.

- `common`: the one-line title, requests grouped by resource, failure lines;
- `markdown`: the Check Run summary and `decaycheck run --markdown`;
- `terminal`: what `decaycheck run` prints (rich);
- `checkrun`: a Check Run's conclusion, title, summary, text and annotations;
- `annotations`: findings and located root causes as annotations on repository lines;
- `html`: the App's details page (`/runs/{id}`), escaped, with its Content-Security-Policy;
- `sarif`, `junit`: SARIF 2.1.0 and JUnit XML for code scanning and CI dashboards;
- `files`: the `--sarif`, `--junit` and `--markdown` files of `run` and `batch`.

The App publishes what `checkrun` returns and keeps no renderer of its own.
Import the module you need (`from checks.render.markdown import markdown`):
this package imports nothing itself, so a rendering loads only what it uses.
"""
