# The same tally in pandas, for `npm run bench` when pandas is installed: value counts of every closed
# question, Likert x role, multi-selects split on ┋, the age summary and the number of open answers.
# Prints the role counts as JSON, so the runner can check that every tool counted the same data.
import json
import sys

import pandas as pd

path, columns = sys.argv[1], json.loads(sys.argv[2])
df = pd.read_csv(path, dtype=str, keep_default_na=False)
role = columns["role"]
for c in columns["closed"]:
    df[c].value_counts()
for c in columns["closed"][:15]:
    pd.crosstab(df[role], df[c])
for c in columns["multi"]:
    df[c].str.split("┋").explode().value_counts()
age = pd.to_numeric(df[columns["age"]])
age.agg(["count", "mean", "std", "median", "min", "max"])
for c in columns["texts"]:
    (df[c] != "(空)").sum()
print(json.dumps({k: int(v) for k, v in df[role].value_counts().items()}, ensure_ascii=False))
