package io.sluice.bench;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import io.debezium.engine.format.Json;
import io.sluice.testkit.PostgresServer;
import java.io.Closeable;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The peer of the full-load benchmark: Debezium's embedded engine (the PostgreSQL connector) taking an initial
 * snapshot of the same table into a consumer that counts records and discards them, in two set-ups: Connect
 * records (its cheapest, {@code snapshot.max.threads} 2) and JSON records (what Debezium Server users pay for).
 * Offsets stay in memory; the engine's replication slot is dropped when it stops.
 */
final class DebeziumSnapshotPeer {
  private DebeziumSnapshotPeer() {}

  /** How the peer hands records to its consumer. */
  enum Format {
    CONNECT("peer (Debezium, Connect records)"),
    JSON("peer (Debezium, JSON records)");

    private final String label;

    Format(String label) {
      this.label = label;
    }
  }

  /**
   * Snapshots {@code schema.table} (expected to hold {@code rows} rows) and times it from the engine's start to its
   * last snapshot record.
   */
  static Measurement measure(PostgresServer server, String schema, String table, long rows, Format format)
      throws Exception {
    Properties properties = new Properties();
    properties.setProperty("name", "sluice-bench-peer");
    properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    properties.setProperty("offset.flush.interval.ms", "60000");
    properties.setProperty("database.hostname", server.host());
    properties.setProperty("database.port", String.valueOf(server.port()));
    properties.setProperty("database.user", PostgresServer.USER);
    properties.setProperty("database.password", PostgresServer.PASSWORD);
    properties.setProperty("database.dbname", PostgresServer.DATABASE);
    properties.setProperty("topic.prefix", "bench");
    properties.setProperty("table.include.list", schema + "." + table);
    properties.setProperty("plugin.name", "pgoutput");
    properties.setProperty("slot.name", "bench_peer_" + format.name().toLowerCase(java.util.Locale.ROOT));
    properties.setProperty("slot.drop.on.stop", "true");
    properties.setProperty("publication.name", "bench_peer");
    properties.setProperty("publication.autocreate.mode", "filtered");
    properties.setProperty("snapshot.mode", "initial_only");
    properties.setProperty("snapshot.max.threads", "2");

    String topic = "bench." + schema + "." + table;
    AtomicLong records = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    DebeziumEngine.CompletionCallback completion = (success, message, error) -> {
      if (!success && error != null) {
        failure.set(error);
      }
      done.countDown();
    };
    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "debezium-peer");
      thread.setDaemon(true);
      return thread;
    });
    long start = System.nanoTime();
    long[] end = new long[1];
    Closeable engine;
    if (format == Format.CONNECT) {
      DebeziumEngine<RecordChangeEvent<SourceRecord>> connect = DebeziumEngine.create(ChangeEventFormat.of(
          Connect.class)).using(properties).using(completion).notifying(event -> {
            if (topic.equals(event.record().topic()) && records.incrementAndGet() == rows) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(connect);
      engine = connect;
    } else {
      DebeziumEngine<ChangeEvent<String, String>> json = DebeziumEngine.create(Json.class).using(properties)
          .using(completion).notifying(event -> {
            if (topic.equals(event.destination()) && event.value() != null
                && records.incrementAndGet() == rows) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(json);
      engine = json;
    }
    try {
      if (!done.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("Debezium's snapshot did not finish within 30 minutes");
      }
      if (records.get() < rows) {
        throw new IllegalStateException("Debezium stopped after " + records.get() + " of " + rows + " records",
            failure.get());
      }
    } finally {
      engine.close();
      executor.shutdown();
      executor.awaitTermination(1, TimeUnit.MINUTES);
    }
    return new Measurement(format.label, records.get(), -1, (end[0] - start) / 1e9, -1);
  }
}
