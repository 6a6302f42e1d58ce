package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import io.sluice.engine.state.StateStore;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench cdc-mysql}: the change-log benchmark on an embedded MariaDB. A table is backfilled by Sluice,
 * then {@code --changes} row updates are made in transactions of 10,000. Measured in the same run: (1) Sluice, a
 * bounded cdc sync applying them to Iceberg; (2) the limit, the binlog client reading the same events from the
 * same position with its standard decoding, and discarding them.
 */
@Command(name = "cdc-mysql", mixinStandardHelpOptions = true,
    description = "Binlog apply rate on MariaDB: reading the binlog and discarding (the limit) vs Sluice applying the "
        + "same changes to Iceberg.")
final class MySqlCdcBenchmark implements Callable<Integer> {
  @Option(names = "--rows", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
  int rows = 200_000;

  @Option(names = "--changes", description = "Row updates to apply (default: ${DEFAULT-VALUE}).")
  int changes = 1_000_000;

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-cdc-mysql-");
    BenchRunOptions.printMachine();
    try (MariaDbServer server = MariaDbServer.startWith(List.of("--innodb-buffer-pool-size=1G"))) {
      server.execute("CREATE DATABASE bench", "CREATE TABLE bench.accounts (id BIGINT PRIMARY KEY, "
              + "balance DECIMAL(12,2) NOT NULL, note VARCHAR(100), updated_at TIMESTAMP(6) NOT NULL)",
          "INSERT INTO bench.accounts SELECT seq, seq * 0.01, CONCAT('account ', seq), NOW(6) "
              + "FROM bench.seq_1_to_" + rows);
      BenchConnectors connectors = new BenchConnectors();
      ObjectNode sourceConfig = JsonNodeFactory.instance.objectNode()
          .put("type", "mysql").put("host", server.host()).put("port", server.port())
          .put("username", MariaDbServer.USER).put("password", MariaDbServer.PASSWORD);
      sourceConfig.putArray("databases").add("bench");
      try (Source source = connectors.source(sourceConfig);
          Destination destination = connectors.icebergWarehouse(work.resolve("warehouse"))) {
        StreamSpec spec = BenchConnectors.stream(source, StreamId.of("bench", "accounts"), SyncMode.CDC);
        StateStore state = StateStore.open(work.resolve("state.json"));
        CdcReport.boundedSync(source, destination, spec, state); // the backfill
        String[] start = binlogEnd(server);

        long generating = System.nanoTime();
        int made = makeChanges(server);
        System.out.printf(Locale.ROOT, "dataset: bench.accounts on MariaDB, %,d rows; %,d updates in transactions "
            + "of 10,000 (made in %.1fs)%n", rows, made, (System.nanoTime() - generating) / 1e9);

        Measurement sluice = CdcReport.measureApply(source, destination, spec, state);
        Measurement limit = readLimit(server, start, made);
        CdcReport.report(run.json, "cdc-mysql", rows, made, limit, sluice);
      }
    }
    return 0;
  }

  private static String[] binlogEnd(MariaDbServer server) throws Exception {
    try (Connection connection = server.connect(""); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW MASTER STATUS")) {
      result.next();
      return new String[] {result.getString(1), result.getString(2)};
    }
  }

  /** Updates {@link #changes} rows, 10,000 per transaction, cycling through the table. */
  private int makeChanges(MariaDbServer server) throws Exception {
    int made = 0;
    try (Connection connection = server.connect("bench"); Statement statement = connection.createStatement()) {
      long from = 1;
      while (made < changes) {
        int batch = (int) Math.min(10_000, Math.min(changes - made, rows - from + 1));
        made += statement.executeUpdate("UPDATE accounts SET balance = balance + 1, updated_at = NOW(6) "
            + "WHERE id BETWEEN " + from + " AND " + (from + batch - 1));
        from = from + batch > rows ? 1 : from + batch;
      }
    }
    return made;
  }

  /** Reads the binlog from {@code start} until {@code expected} updated rows arrived, decoding and discarding. */
  private static Measurement readLimit(MariaDbServer server, String[] start, int expected) throws Exception {
    BinaryLogClient client = new BinaryLogClient(server.host(), server.port(), MariaDbServer.USER,
        MariaDbServer.PASSWORD);
    client.setServerId(1_999_999_999L);
    client.setBinlogFilename(start[0]);
    client.setBinlogPosition(Long.parseLong(start[1]));
    client.setKeepAlive(false);
    AtomicLong updated = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    client.registerEventListener(event -> {
      EventType type = event.getHeader().getEventType();
      if (type == EventType.UPDATE_ROWS || type == EventType.EXT_UPDATE_ROWS) {
        UpdateRowsEventData data = event.getData();
        if (updated.addAndGet(data.getRows().size()) >= expected) {
          done.countDown();
        }
      }
      if (event.getHeader() instanceof com.github.shyiko.mysql.binlog.event.EventHeaderV4 header) {
        bytes.addAndGet(header.getEventLength());
      }
    });
    long begin = System.nanoTime();
    client.connect(10_000);
    try {
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the limit reader saw " + updated.get() + " of " + expected + " updates");
      }
    } finally {
      client.disconnect();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    return new Measurement("limit (binlog read, decoded, discarded)", updated.get(), bytes.get(), seconds, -1);
  }
}
