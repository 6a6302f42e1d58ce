package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.StreamId;
import io.sluice.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench full-load-mysql}: the full-load benchmark on an embedded MariaDB. In the same process run, on
 * one generated trips table: (1) the limit, a streaming {@code SELECT *} drained through the JDBC driver (every
 * column read as the driver's text, nothing converted into typed values); (2) Sluice's source alone, the load's
 * chunks read and converted, rows discarded; (3) Sluice, a full load of the same table into a local Iceberg
 * warehouse, with exact type conversion; (1) again.
 */
@Command(name = "full-load-mysql", mixinStandardHelpOptions = true,
    description = "Full load of a generated trips table on MariaDB: the source's limit vs Sluice.")
final class MySqlFullLoadBenchmark implements Callable<Integer> {
  @Option(names = "--rows", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
  long rows = 1_000_000;

  @Option(names = "--table", converter = FullLoadBenchmark.TableConverter.class, description = "Which generated "
      + "table: trips (20 columns, ~150 bytes/row), narrow (4 columns) or all-types (every type family the MySQL "
      + "source maps) (default: ${DEFAULT-VALUE}).")
  BenchTable table = BenchTable.TRIPS;

  @Option(names = "--max-threads", description = "Sluice chunk readers (default: ${DEFAULT-VALUE}).")
  int maxThreads = 2;

  @Option(names = "--chunk-rows", description = "Sluice chunk size in rows (default: ${DEFAULT-VALUE}).")
  int chunkRows = 500_000;

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-mysql-");
    BenchRunOptions.printMachine();
    try (MariaDbServer server = MariaDbServer.startWith(java.util.List.of("--innodb-buffer-pool-size=2G"))) {
      long generating = System.nanoTime();
      server.execute("CREATE DATABASE demo");
      fill(server, rows, switch (table) {
        case TRIPS -> TRIPS;
        case NARROW -> NARROW;
        case ALL_TYPES -> ALL_TYPES;
      });
      server.execute("ANALYZE TABLE demo." + table.table);
      long tableBytes = scalar(server, "SELECT DATA_LENGTH FROM information_schema.TABLES "
          + "WHERE TABLE_SCHEMA = 'demo' AND TABLE_NAME = '" + table.table + "'");
      System.out.printf(Locale.ROOT, "dataset: demo.%s on MariaDB (--table %s), %,d rows, %d columns, %.1f MB on "
          + "disk (%.0f bytes/row; generated in %.1fs)%n", table.table, table, rows, table.columns, tableBytes / 1e6,
          (double) tableBytes / rows, (System.nanoTime() - generating) / 1e9);
      CpuAccounting cpu = new CpuAccounting(serverPid(server));
      CpuAccounting.Timed<Measurement> limitBefore = cpu.measure(() -> measureLimit(server, table.table));
      ObjectNode sourceConfig = JsonNodeFactory.instance.objectNode()
          .put("type", "mysql").put("host", server.host()).put("port", server.port())
          .put("username", MariaDbServer.USER).put("password", MariaDbServer.PASSWORD)
          .put("max_threads", maxThreads).put("chunk_size_rows", chunkRows);
      sourceConfig.putArray("databases").add("demo");
      CpuAccounting.Timed<Measurement> sourceAlone = cpu.measure(() -> SluiceFullLoad.measureSourceAlone(
          sourceConfig, StreamId.of("demo", table.table)));
      CpuAccounting.Timed<Measurement> sluice = cpu.measure(() -> SluiceFullLoad.measure(sourceConfig,
          StreamId.of("demo", table.table), work.resolve("warehouse"), work.resolve("state.json")));
      System.gc();
      CpuAccounting.Timed<Measurement> limitAfter = cpu.measure(() -> measureLimit(server, table.table).renamed("limit again, after Sluice"));
      FullLoadReport.Limit limit = new FullLoadReport.Limit(limitBefore, limitAfter);
      FullLoadReport.print(limit, sourceAlone, sluice, java.util.List.of(), "mariadb");
      FullLoadReport.requireAllRows(sluice.result(), rows);
      if (run.json != null) {
        FullLoadReport.writeJson(run.json, "full-load-mysql " + table, rows, tableBytes, limit, sourceAlone,
            sluice, java.util.List.of());
      }
    }
    return 0;
  }

  /** A table to generate: its DDL, and the SELECT list of one row from {@code s} (1..rows) for INSERT ... SELECT. */
  private record Generated(String ddl, String row) {}

  /** The trips table in MySQL types: as {@link BenchTable#TRIPS}, same values. */
  private static final Generated TRIPS = new Generated("""
      CREATE TABLE demo.trips (
        id BIGINT PRIMARY KEY, vendor_id INT NOT NULL, pickup_at DATETIME(6) NOT NULL, dropoff_at DATETIME(6) NOT NULL,
        passenger_count SMALLINT, trip_distance DOUBLE, rate_code SMALLINT, store_and_forward TINYINT(1),
        pickup_location INT NOT NULL, dropoff_location INT NOT NULL, payment_type SMALLINT,
        fare_amount DECIMAL(10,2) NOT NULL, extra DECIMAL(10,2), mta_tax DECIMAL(10,2), tip_amount DECIMAL(10,2),
        tolls_amount DECIMAL(10,2), total_amount DECIMAL(10,2) NOT NULL, congestion_surcharge DECIMAL(10,2),
        pickup_zone VARCHAR(32), updated_at TIMESTAMP(6) NOT NULL)""", """
      s, 1 + s % 4, '2024-01-01' + INTERVAL s * 3000117 MICROSECOND,
      '2024-01-01' + INTERVAL s * 3000117 + (300 + (s * 7) % 2400) * 1000000 MICROSECOND,
      IF(s % 40 = 0, NULL, 1 + s % 5), ((s * 7919) % 30000) / 1000.0, 1 + s % 6, IF(s % 40 = 0, NULL, s % 97 = 0),
      1 + (s * 31) % 263, 1 + (s * 17) % 263, 1 + s % 4, ROUND(((s * 7919) % 9000) / 100 + 3, 2), (s % 3) * 0.5, 0.50,
      IF(s % 3 = 0, 0, ROUND(((s * 31) % 2000) / 100, 2)), IF(s % 20 = 0, 6.55, 0),
      ROUND(((s * 7919) % 9000) / 100 + 4.5, 2), IF(s % 10 = 0, NULL, 2.50), CONCAT('zone-', 1 + (s * 31) % 263),
      '2024-01-01' + INTERVAL s * 3500000 MICROSECOND""");

  /** Four columns, as {@link BenchTable#NARROW}. */
  private static final Generated NARROW = new Generated("""
      CREATE TABLE demo.narrow (id BIGINT PRIMARY KEY, account_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL,
        created_at TIMESTAMP(6) NOT NULL)""", """
      s, 1 + (s * 31) % 100000, ROUND(((s * 7919) % 1000000) / 100, 2),
      '2024-01-01' + INTERVAL s * 500000 MICROSECOND""");

  /** Every type family the MySQL source maps, some NULLs, multi-byte text: the costliest to convert. */
  private static final Generated ALL_TYPES = new Generated("""
      CREATE TABLE demo.trips (
        id BIGINT PRIMARY KEY, vendor_id INT NOT NULL, passenger_count SMALLINT, pickup_at DATETIME(6) NOT NULL,
        dropoff_at TIMESTAMP(6) NULL, pickup_date DATE NOT NULL, pickup_time TIME, distance_km DECIMAL(8,3),
        fare DECIMAL(10,2), tip DOUBLE, rating FLOAT, paid TINYINT(1), payment ENUM('card','cash','voucher','disputed'),
        pickup_zone VARCHAR(64), dropoff_zone TEXT, trip_uuid CHAR(36), total_cents BIGINT UNSIGNED,
        flags INT UNSIGNED, attributes JSON, receipt VARBINARY(32))""", """
      s, 1 + s % 7, IF(s % 13 = 0, NULL, s % 5), '2026-01-01 00:00:00' + INTERVAL s SECOND,
      IF(s % 11 = 0, NULL, '2026-01-01 00:20:00.123456' + INTERVAL s SECOND),
      '2026-01-01' + INTERVAL (s % 365) DAY, SEC_TO_TIME(s % 86400), (s % 50000) / 1000,
      (s % 100000) / 100, IF(s % 17 = 0, NULL, (s % 1000) / 7), (s % 50) / 10, s % 2,
      ELT(1 + s % 4, 'card', 'cash', 'voucher', 'disputed'), CONCAT('zone-', s % 263),
      IF(s % 3 = 0, CONCAT('Zürich Straße ', s % 97), CONCAT('zone ', s % 263)),
      UUID(), s * 1234, s % 4000000000, IF(s % 5 = 0, NULL, CONCAT('{"k": ', s % 100, '}')),
      UNHEX(MD5(s))""");

  /** Creates the table and fills it server-side in batches of a million rows (each batch one transaction). */
  private static void fill(MariaDbServer server, long rows, Generated table) {
    server.execute(table.ddl());
    String name = table.ddl().substring(table.ddl().indexOf("demo."), table.ddl().indexOf(" (")).strip();
    long done = 0;
    while (done < rows) {
      // seq tables are generated on the fly; batches keep each INSERT ... SELECT's transaction moderate.
      long batch = Math.min(1_000_000, rows - done);
      server.execute("INSERT INTO " + name + " SELECT " + table.row() + " FROM (SELECT seq + " + done
          + " AS s FROM demo.seq_1_to_" + batch + ") g");
      done += batch;
    }
  }

  private static Measurement measureLimit(MariaDbServer server, String tableName) throws Exception {
    try (Connection connection = server.connect("demo"); Statement statement = connection.createStatement()) {
      statement.setFetchSize(4096);
      long count = 0;
      long bytes = 0;
      long start = System.nanoTime();
      try (ResultSet result = statement.executeQuery("SELECT * FROM " + tableName)) {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
          for (int i = 1; i <= columns; i++) {
            String value = result.getString(i);
            bytes += value == null ? 0 : value.length();
          }
          count++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement("limit (streaming SELECT *, text)", count, bytes, seconds, -1);
    }
  }

  /** mariadbd's process id, from its pid file. */
  private static long serverPid(MariaDbServer server) throws Exception {
    try (Connection connection = server.connect(""); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT @@pid_file")) {
      result.next();
      return Long.parseLong(java.nio.file.Files.readString(Path.of(result.getString(1))).strip());
    }
  }

  private static long scalar(MariaDbServer server, String sql) throws Exception {
    try (Connection connection = server.connect(""); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
