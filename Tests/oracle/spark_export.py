"""Runs the statements of an `export --engine spark` folder in Apache Spark SQL (local mode), then SQL over them.

Usage: spark_export.py SPEC.json, where the spec holds
    {"export": "/path/to/OUT", "placeholder": "s3://BUCKET/PREFIX", "queries": ["SELECT ...", ...]}.
Every statement of OUT/spark-tables.sql runs as written, in order, with only the placeholder location replaced by
OUT's own file:// URL (as one would replace it with the bucket's s3a:// URL). Prints a JSON object:
    {"statements": N, "seconds": {"start": s, "tables": s, "queries": s, "jvm_cpu": s}, "results": [[[cell, ...], ...], ...]}
with one result per query, each row's cells as strings (null for SQL NULL).

Exit status 3 when pyspark cannot be imported, 4 when Spark cannot start (no Java runtime); 0 otherwise.
"""

import json
import os
import pathlib
import sys
import tempfile
import time


def statements(text):
    """The statements of a SQL file: comment lines dropped, split at the semicolons that end a line."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    parts = "\n".join(lines).split(";\n")
    return [part.strip().rstrip(";") for part in parts if part.strip()]


def cpu_seconds(pid):
    """The CPU time of a process and its waited-for children so far, from /proc.

    For Spark's driver JVM: the driver, which runs the executors too in local mode, and the launcher JVM that
    spark-submit ran before it in the same process.
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        print(f"pyspark is not installed: {error}", file=sys.stderr)
        sys.exit(3)

    export = pathlib.Path(spec["export"]).resolve()
    sql = (export / "spark-tables.sql").read_text(encoding="utf-8")
    location = export.as_uri()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="spark-export-") as scratch:
        try:
            spark = (
                SparkSession.builder.master("local[2]")
                .appName("backup-evidence-export")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.catalogImplementation", "in-memory")
                .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
                .config("spark.local.dir", os.path.join(scratch, "local"))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                .getOrCreate()
            )
        except Exception as error:  # the JVM did not start: no Java runtime, or a wrong one
            print(f"Spark did not start (a Java runtime is needed): {error}", file=sys.stderr)
            sys.exit(4)
        spark.sparkContext.setLogLevel("ERROR")
        begun = time.monotonic()
        try:
            runs = statements(sql.replace(spec["placeholder"], location))
            for statement in runs:
                spark.sql(statement)
            tabled = time.monotonic()
            results = []
            for query in spec["queries"]:
                rows = spark.sql(query).collect()
                results.append([[None if cell is None else str(cell) for cell in row] for row in rows])
            finished = time.monotonic()
            jvm_cpu = cpu_seconds(spark._jvm.java.lang.ProcessHandle.current().pid())
        finally:
            spark.stop()
    print(
        json.dumps(
            {
                "statements": len(runs),
                "seconds": {
                    "start": round(begun - started, 3),
                    "tables": round(tabled - begun, 3),
                    "queries": round(finished - tabled, 3),
                    "jvm_cpu": None if jvm_cpu is None else round(jvm_cpu, 3),
                },
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
