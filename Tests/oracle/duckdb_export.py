"""Reads an `export --athena` folder with DuckDB, as Athena would, and runs SQL over it.

Usage: duckdb_export.py SPEC.json. The spec names, per table, the glob of its partitioned CSV files and the column
names of its CREATE EXTERNAL TABLE statement; each table becomes a view reading the files with their header row
skipped, the statement's column names, and year and month from the Hive partition folders. Prints a JSON list with
one result (a list of rows of strings) per query.
"""

import json
import sys

import duckdb


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    connection = duckdb.connect()
    for view in spec["views"]:
        names = ", ".join("'" + name + "'" for name in view["columns"])
        connection.execute(
            f"CREATE VIEW {view['table']} AS SELECT * FROM read_csv('{view['glob']}', header = true, "
            f"all_varchar = true, names = [{names}], hive_partitioning = true, "
            "hive_types = {'year': 'INTEGER', 'month': 'VARCHAR'})"
        )
    results = []
    for query in spec["queries"]:
        rows = connection.execute(query).fetchall()
        results.append([["" if cell is None else str(cell) for cell in row] for row in rows])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
