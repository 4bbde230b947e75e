"""Study mode: many checkouts, K trials each, the constraint-decay study's tables and page.

- `formulas`: A%, pass@k, pass^k, matched pairs, SEM, the decay fit (pure);
- `labels`, `source`: what is evaluated and how each checkout is labelled;
- `model`: the typed jobs, results and records crossing processes and queues;
- `trial`, `executors`, `batch`: evaluating trials in parallel, resumably;
- `tables`, `html`, `svg`: the tables, CSVs and report.html.
"""
