package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.PostgresServer;
import io.sluice.testkit.SampleDataset;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's peer counts what it should: Debezium's snapshot of a small trips table delivers exactly its rows,
 * in both set-ups, and the engine leaves no replication slot behind. A check of the measurement, not of speed.
 */
class DebeziumSnapshotPeerIT {
  @Test
  void bothSetUpsDeliverEveryRowAndDropTheirSlot() throws Exception {
    try (PostgresServer server = PostgresServer.start()) {
      SampleDataset.create(server, 3_000);
      for (DebeziumSnapshotPeer.Format format : DebeziumSnapshotPeer.Format.values()) {
        Measurement peer = DebeziumSnapshotPeer.measure(server, SampleDataset.SCHEMA, "trips", 3_000, format);
        assertThat(peer.rows()).as(format.name()).isEqualTo(3_000);
        assertThat(peer.seconds()).isPositive();
      }
      try (var connection = server.connect(PostgresServer.DATABASE); var statement = connection.createStatement();
          var result = statement.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
        result.next();
        assertThat(result.getLong(1)).as("replication slots left").isZero();
      }
    }
  }
}
