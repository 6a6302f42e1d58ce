package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.DataType;
import io.sluice.spi.Destination;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.SyncMode;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several streams of one destination open and commit at once against the shared SQLite catalog. */
class IcebergConcurrentStreamsIT {
  private static final int STREAMS = 4;
  private static final int COMMITS = 6;

  @Test
  void streamsCommitConcurrentlyWithoutLosingACommit(@TempDir Path directory) throws Exception {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      Destination destination = warehouse.newDestination();
      ExecutorService threads = Executors.newFixedThreadPool(STREAMS);
      try {
        List<Future<?>> streams = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
          String table = "stream_" + s;
          streams.add(threads.submit(() -> {
            StreamSpec spec = new StreamSpec(StreamId.of("public", table), StreamId.of("sales", table),
                SyncMode.FULL_REFRESH, List.of(column("id", DataType.INT)), List.of("id"), List.of(), Optional.empty());
            try (StreamWriter writer = destination.openStream(new WriteRequest(spec, WriteMode.APPEND, "load"))) {
              for (int commit = 0; commit < COMMITS; commit++) {
                writer.write(ChangeEvent.insert(new Object[] {commit}, 4));
                writer.commit("cp-" + commit);
              }
            }
            return null;
          }));
        }
        for (Future<?> stream : streams) {
          stream.get(60, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }

      for (int s = 0; s < STREAMS; s++) {
        assertThat(warehouse.rows("stream_" + s)).extracting(row -> row.getField("id"))
            .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(warehouse.table("stream_" + s).currentSnapshot().summary())
            .containsEntry("sluice.checkpoint", "cp-" + (COMMITS - 1));
      }
    }
  }
}
