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
 * column read as the driver's text, nothing converted into typed values); (2) Sluice, a full load of the same table into a local
 * Iceberg warehouse, with exact type conversion.
 */
@Command(name = "full-load-mysql", mixinStandardHelpOptions = true,
    description = "Full load of a generated trips table on MariaDB: the source's limit vs Sluice.")
final class MySqlFullLoadBenchmark implements Callable<Integer> {
  private static final int COLUMNS = 20;

  @Option(names = "--rows", description = "Rows in the trips table (default: ${DEFAULT-VALUE}).")
  long rows = 1_000_000;

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
      createTrips(server, rows);
      long tableBytes = scalar(server, "SELECT DATA_LENGTH FROM information_schema.TABLES "
          + "WHERE TABLE_SCHEMA = 'demo' AND TABLE_NAME = 'trips'");
      System.out.printf(Locale.ROOT, "dataset: demo.trips on MariaDB, %,d rows, %d columns, %.1f MB on disk "
          + "(generated in %.1fs)%n", rows, COLUMNS, tableBytes / 1e6, (System.nanoTime() - generating) / 1e9);
      CpuAccounting cpu = new CpuAccounting(serverPid(server));
      CpuAccounting.Timed<Measurement> limit = cpu.measure(() -> measureLimit(server));
      ObjectNode sourceConfig = JsonNodeFactory.instance.objectNode()
          .put("type", "mysql").put("host", server.host()).put("port", server.port())
          .put("username", MariaDbServer.USER).put("password", MariaDbServer.PASSWORD)
          .put("max_threads", maxThreads).put("chunk_size_rows", chunkRows);
      sourceConfig.putArray("databases").add("demo");
      CpuAccounting.Timed<Measurement> sluice = cpu.measure(() -> SluiceFullLoad.measure(sourceConfig,
          StreamId.of("demo", "trips"), work.resolve("warehouse"), work.resolve("state.json")));
      FullLoadReport.print(limit, sluice, java.util.List.of(), "mariadb");
      if (run.json != null) {
        FullLoadReport.writeJson(run.json, "full-load-mysql", rows, tableBytes, limit, sluice,
            java.util.List.of());
      }
    }
    return 0;
  }

  /** A trips table like the PostgreSQL one: 20 columns of the common families, some NULLs, multi-byte text. */
  private static void createTrips(MariaDbServer server, long rows) {
    server.execute("CREATE DATABASE demo", """
        CREATE TABLE demo.trips (
          id BIGINT PRIMARY KEY, vendor_id INT NOT NULL, passenger_count SMALLINT, pickup_at DATETIME(6) NOT NULL,
          dropoff_at TIMESTAMP(6) NULL, pickup_date DATE NOT NULL, pickup_time TIME, distance_km DECIMAL(8,3),
          fare DECIMAL(10,2), tip DOUBLE, rating FLOAT, paid TINYINT(1), payment ENUM('card','cash','voucher','disputed'),
          pickup_zone VARCHAR(64), dropoff_zone TEXT, trip_uuid CHAR(36), total_cents BIGINT UNSIGNED,
          flags INT UNSIGNED, attributes JSON, receipt VARBINARY(32))""");
    long done = 0;
    while (done < rows) {
      // seq tables are generated on the fly; batches keep each INSERT ... SELECT's transaction moderate.
      long batch = Math.min(1_000_000, rows - done);
      server.execute("""
          INSERT INTO demo.trips SELECT s, 1 + s %% 7, IF(s %% 13 = 0, NULL, s %% 5),
            '2026-01-01 00:00:00' + INTERVAL s SECOND,
            IF(s %% 11 = 0, NULL, '2026-01-01 00:20:00.123456' + INTERVAL s SECOND),
            '2026-01-01' + INTERVAL (s %% 365) DAY, SEC_TO_TIME(s %% 86400), (s %% 50000) / 1000,
            (s %% 100000) / 100, IF(s %% 17 = 0, NULL, (s %% 1000) / 7), (s %% 50) / 10, s %% 2,
            ELT(1 + s %% 4, 'card', 'cash', 'voucher', 'disputed'), CONCAT('zone-', s %% 263),
            IF(s %% 3 = 0, CONCAT('Zürich Straße ', s %% 97), CONCAT('zone ', s %% 263)),
            UUID(), s * 1234, s %% 4000000000, IF(s %% 5 = 0, NULL, CONCAT('{"k": ', s %% 100, '}')),
            UNHEX(MD5(s))
          FROM (SELECT seq + %d AS s FROM demo.seq_1_to_%d) g""".formatted(done, batch));
      done += batch;
    }
    server.execute("ANALYZE TABLE demo.trips");
  }

  private static Measurement measureLimit(MariaDbServer server) throws Exception {
    try (Connection connection = server.connect("demo"); Statement statement = connection.createStatement()) {
      statement.setFetchSize(4096);
      long count = 0;
      long bytes = 0;
      long start = System.nanoTime();
      try (ResultSet result = statement.executeQuery("SELECT * FROM trips")) {
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
