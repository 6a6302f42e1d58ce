package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.ConfigValidator;
import io.sluice.engine.config.SecretRegistry;
import io.sluice.engine.connector.ConnectorRegistry;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.engine.sync.SyncRunner;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The Sluice side of a full-load benchmark: one stream, full refresh into a fresh local Iceberg warehouse. */
final class SluiceFullLoad {
  private SluiceFullLoad() {}

  /** Runs the load through the engine (as {@code sluice sync} would) and times it, sampling the heap. */
  static Measurement measure(ObjectNode sourceConfig, StreamId stream, Path warehouse, Path stateFile)
      throws Exception {
    ConnectorRegistry connectors = new ConnectorRegistry(new ConfigValidator(System::getenv, new SecretRegistry()));
    ObjectNode destinationConfig = JsonNodeFactory.instance.objectNode()
        .put("type", "iceberg").put("warehouse", warehouse.toString());
    System.gc();
    try (Source source = connectors.createSource(sourceConfig, "bench source");
        Destination destination = connectors.createDestination(destinationConfig, "bench destination");
        PeakMemorySampler memory = new PeakMemorySampler();
        ThreadCpuSampler threads = new ThreadCpuSampler()) {
      StreamDescriptor table = source.discover().find(stream).orElseThrow();
      StreamSpec spec = new StreamSpec(table.id(), table.id(), SyncMode.FULL_REFRESH, table.columns(),
          table.primaryKey(), List.of(), Optional.empty());
      SyncRunner runner = new SyncRunner(source, destination, List.of(ConfiguredStream.of(spec)),
          StateStore.open(stateFile), SyncOptions.DEFAULTS, Clock.systemUTC());
      long start = System.nanoTime();
      SyncReport report = runner.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!report.succeeded()) {
        throw new IllegalStateException("the Sluice load failed", report.streams().get(0).failure().orElseThrow());
      }
      System.out.println(threads.describe());
      long bytes = runner.progress().get(0).bytesRead();
      return new Measurement("sluice (full load into Iceberg)", report.streams().get(0).rows(), bytes, seconds,
          memory.peakHeapBytes());
    }
  }
}
