package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.PostgresServer;
import io.sluice.testkit.SampleDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' peer counts what it should: Debezium's snapshot of a small table delivers exactly its rows, and its
 * change stream exactly the changes made after its slot, in both set-ups; the engine leaves no replication slot
 * behind. A check of the measurement, not of speed.
 */
class DebeziumPeerIT {
  private static PostgresServer server;

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void bothSetUpsSnapshotEveryRowAndDropTheirSlot() throws Exception {
    SampleDataset.create(server, 3_000);
    for (DebeziumPeer.Format format : DebeziumPeer.Format.values()) {
      Measurement peer = DebeziumPeer.measure(DebeziumPeer.Target.snapshot(server, SampleDataset.SCHEMA, "trips",
          3_000, format), 3_000, format, 300);
      assertThat(peer.rows()).as(format.name()).isEqualTo(3_000);
      assertThat(peer.seconds()).isPositive();
    }
    assertThat(replicationSlots()).as("replication slots left").isZero();
  }

  @Test
  void bothSetUpsStreamExactlyTheChangesMadeAfterTheirSlot() throws Exception {
    server.execute("""
        DROP SCHEMA IF EXISTS peer CASCADE;
        CREATE SCHEMA peer;
        CREATE TABLE peer.accounts (id bigint PRIMARY KEY, balance numeric(12,2) NOT NULL);
        INSERT INTO peer.accounts SELECT g, g FROM generate_series(1, 1000) g;
        CREATE PUBLICATION peer_changes FOR TABLE peer.accounts;
        """);
    // a slot cannot be made in a transaction that wrote: one statement each
    server.execute("SELECT pg_create_logical_replication_slot('peer_connect', 'pgoutput')");
    server.execute("SELECT pg_create_logical_replication_slot('peer_json', 'pgoutput')");
    server.execute("""
        UPDATE peer.accounts SET balance = balance + 1;
        UPDATE peer.accounts SET balance = balance + 1 WHERE id <= 500;
        DELETE FROM peer.accounts WHERE id > 900;
        """);
    long made = 1_000 + 500 + 100;
    for (DebeziumPeer.Format format : DebeziumPeer.Format.values()) {
      String slot = format == DebeziumPeer.Format.CONNECT ? "peer_connect" : "peer_json";
      Measurement peer = DebeziumPeer.measure(DebeziumPeer.Target.stream(server, "peer", "accounts", slot,
          "peer_changes"), made, format, 300);
      assertThat(peer.rows()).as(format.name()).isEqualTo(made);
    }
    // one more than was made never arrives: the count is of changes, not of heartbeats or transaction markers
    server.execute("SELECT pg_create_logical_replication_slot('peer_extra', 'pgoutput')");
    server.execute("UPDATE peer.accounts SET balance = 0 WHERE id = 1");
    Measurement extra = DebeziumPeer.measure(DebeziumPeer.Target.stream(server, "peer", "accounts", "peer_extra",
        "peer_changes"), 2, DebeziumPeer.Format.CONNECT, 20);
    assertThat(extra.rows()).as("changes delivered when two were awaited and one was made").isEqualTo(1);
    assertThat(replicationSlots()).as("replication slots left").isZero();
  }

  private static long replicationSlots() throws Exception {
    try (var connection = server.connect(PostgresServer.DATABASE); var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
      result.next();
      return result.getLong(1);
    }
  }
}
