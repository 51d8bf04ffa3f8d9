"""DuckDB's side of `backup-evidence-bench org`: loads a month's six report CSVs as the tables `query` builds, then
runs one SQL statement.

Usage: bench_duckdb.py SPEC.json. The spec gives, per table, the CSV file and the column names (the CSV headers in
snake_case, as `query` names them), and the year and month every row gets. Each table is created in an in-memory
database with every column as text (as `query`'s store holds them), plus year (INTEGER) and month (VARCHAR); the
header row is skipped. Prints the query's result as a JSON list of rows of strings.
"""

import json
import sys

import duckdb


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    connection = duckdb.connect()
    for table in spec["tables"]:
        names = ", ".join("'" + name + "'" for name in table["columns"])
        path = table["path"].replace("'", "''")
        connection.execute(
            f"CREATE TABLE {table['table']} AS SELECT *, {int(spec['year'])}::INTEGER AS year, "
            f"'{spec['month']}'::VARCHAR AS month FROM read_csv('{path}', header = true, all_varchar = true, "
            f"delim = ',', quote = '\"', escape = '\"', names = [{names}])"
        )
    rows = connection.execute(spec["query"]).fetchall()
    print(json.dumps([["" if cell is None else str(cell) for cell in row] for row in rows]))


if __name__ == "__main__":
    main()
