package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.LogPin;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pgoutput change log on a real PostgreSQL: pin, bounded reads under a concurrent workload of multi-row
 * transactions (every committed change delivered exactly once across runs that stop and resume), unchanged
 * TOASTed values read back, schema changes, and the errors for a dropped slot and a table without a key.
 */
class PostgresChangeLogIT {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA log;
        CREATE TABLE log.items (id bigint PRIMARY KEY, n int NOT NULL, body text);
        INSERT INTO log.items SELECT g, 0, 'b' || g FROM generate_series(1, 1000) g;
        CREATE TABLE log.nokey (x int);
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static StreamSpec cdcSpec(Source source, String table) {
    var descriptor = PostgresSourceFixture.stream(source.discover(), "log", table);
    return new StreamSpec(descriptor.id(), descriptor.id(), SyncMode.CDC, descriptor.columns(),
        descriptor.primaryKey(), List.of(), Optional.empty());
  }

  private static Source source(String slot) {
    ObjectNode config = PostgresSourceFixture.config(server, "log");
    config.putObject("replication").put("slot", slot).put("publication", slot + "_pub");
    return PostgresSourceFixture.source(config);
  }

  /** Reads a bounded stream to its end; returns the row events and the final position. */
  private static String drain(ChangeLogSource log, StreamSpec spec, String from, List<LogEvent.RowChange> into)
      throws Exception {
    try (ChangeStream stream = log.open(new ChangeStreamRequest(List.of(spec), Map.of(spec.source(), from), true))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String position = from;
      while (System.nanoTime() < deadline) {
        ChangeBatch batch = stream.poll(Duration.ofMillis(200));
        for (LogEvent event : batch.events()) {
          if (event instanceof LogEvent.RowChange row) {
            into.add(row);
          }
        }
        position = batch.position();
        if (batch.endReached()) {
          stream.acknowledge(position);
          return position;
        }
      }
      throw new AssertionError("the bounded stream did not reach its end within 60 s");
    }
  }

  @Test
  void everyCommittedChangeArrivesOnceAcrossBoundedRunsUnderAWorkload() throws Exception {
    try (Source source = source("log_workload")) {
      ChangeLogSource log = source.changeLog().orElseThrow();
      StreamSpec spec = cdcSpec(source, "items");
      String position;
      try (LogPin pin = log.pin(List.of(spec))) {
        assertThat(pin.snapshotConsistent()).isTrue();
        position = pin.position();
      }
      AtomicBoolean stop = new AtomicBoolean();
      Map<Long, Integer> expectedUpdates = new HashMap<>();
      Thread workload = new Thread(() -> {
        try (Connection connection = server.connect(PostgresServer.DATABASE);
            Statement statement = connection.createStatement()) {
          connection.setAutoCommit(false);
          java.util.Random random = new java.util.Random(5);
          while (!stop.get()) {
            for (int i = 0; i < 150; i++) {
              long id = 1 + random.nextInt(1000);
              statement.executeUpdate("UPDATE log.items SET n = n + 1 WHERE id = " + id);
              synchronized (expectedUpdates) {
                expectedUpdates.merge(id, 1, Integer::sum);
              }
            }
            connection.commit();
            Thread.sleep(5);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      workload.start();
      List<LogEvent.RowChange> events = new ArrayList<>();
      for (int run = 0; run < 6; run++) {
        position = drain(log, spec, position, events);
        Thread.sleep(100);
      }
      stop.set(true);
      workload.join();
      position = drain(log, spec, position, events);

      Map<Long, Integer> delivered = new HashMap<>();
      for (LogEvent.RowChange event : events) {
        assertThat(event.change().operation()).isEqualTo(Operation.UPDATE);
        assertThat(event.change().sourceTimestamp()).isNotNull();
        delivered.merge((Long) event.change().values()[0], 1, Integer::sum);
      }
      assertThat(delivered).as("updates per id, delivered vs made").isEqualTo(expectedUpdates);
    }
  }

  @Test
  void anUnchangedToastedValueIsReadBackAndAColumnAddedWhileStreamingIsASchemaChange() throws Exception {
    server.execute("CREATE TABLE log.docs (id int PRIMARY KEY, title text, body text);"
        + "INSERT INTO log.docs VALUES (1, 't', repeat('x', 20000));");
    try (Source source = source("log_toast")) {
      ChangeLogSource log = source.changeLog().orElseThrow();
      StreamSpec spec = cdcSpec(source, "docs");
      String position;
      try (LogPin pin = log.pin(List.of(spec))) {
        position = pin.position();
      }
      server.execute("UPDATE log.docs SET title = 'changed' WHERE id = 1;"
          + "ALTER TABLE log.docs ADD COLUMN extra bigint; UPDATE log.docs SET extra = 42 WHERE id = 1;");
      List<LogEvent> all = new ArrayList<>();
      try (ChangeStream stream = log.open(new ChangeStreamRequest(List.of(spec), Map.of(spec.source(), position),
          true))) {
        for (int i = 0; i < 100; i++) {
          ChangeBatch batch = stream.poll(Duration.ofMillis(200));
          if (!batch.events().isEmpty() && batch.events().get(0) instanceof LogEvent.SchemaChange) {
            assertThat(all).as("a schema change starts its batch").isNotEmpty();
          }
          all.addAll(batch.events());
          if (batch.endReached()) {
            break;
          }
        }
      }
      assertThat(all).hasSize(3);
      LogEvent.RowChange first = (LogEvent.RowChange) all.get(0);
      assertThat(first.change().values()).containsExactly(1, "changed", "x".repeat(20000));
      LogEvent.SchemaChange change = (LogEvent.SchemaChange) all.get(1);
      assertThat(change.columns()).extracting(c -> c.name()).containsExactly("id", "title", "body", "extra");
      LogEvent.RowChange second = (LogEvent.RowChange) all.get(2);
      assertThat(second.change().values()).containsExactly(1, "changed", "x".repeat(20000), 42L);
    }
  }

  @Test
  void aDroppedSlotAndATableWithoutKeyAreRefusedClearly() throws Exception {
    try (Source source = source("log_dropped")) {
      ChangeLogSource log = source.changeLog().orElseThrow();
      StreamSpec spec = cdcSpec(source, "items");
      String position;
      try (LogPin pin = log.pin(List.of(spec))) {
        position = pin.position();
      }
      server.execute("SELECT pg_drop_replication_slot('log_dropped')");
      assertThatThrownBy(() -> log.open(new ChangeStreamRequest(List.of(spec), Map.of(spec.source(), position), true)))
          .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMANENT))
          .hasMessageContaining("Replication slot \"log_dropped\" does not exist")
          .hasMessageContaining("--resync all");
      assertThatThrownBy(() -> log.pin(List.of(cdcSpec(source, "nokey"))))
          .hasMessageContaining("Cannot capture changes of log.nokey: it has no primary key");
    }
  }
}
