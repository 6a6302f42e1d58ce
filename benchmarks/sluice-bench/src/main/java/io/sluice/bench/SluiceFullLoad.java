package io.sluice.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.engine.sync.SyncRunner;
import io.sluice.spi.Destination;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/** The Sluice side of a full-load benchmark: one stream, full refresh into a fresh local Iceberg warehouse. */
final class SluiceFullLoad {
  static final String SOURCE_ALONE = "sluice source alone (rows discarded)";

  private SluiceFullLoad() {}

  /** Runs the load through the engine (as {@code sluice sync} would) and times it, sampling the heap. */
  static Measurement measure(ObjectNode sourceConfig, StreamId stream, Path warehouse, Path stateFile)
      throws Exception {
    BenchConnectors connectors = new BenchConnectors();
    System.gc();
    try (Source source = connectors.source(sourceConfig);
        Destination destination = connectors.icebergWarehouse(warehouse);
        PeakMemorySampler memory = new PeakMemorySampler();
        ThreadCpuSampler threads = new ThreadCpuSampler()) {
      StreamSpec spec = BenchConnectors.stream(source, stream, SyncMode.FULL_REFRESH);
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

  /**
   * Sluice's source with nothing behind it: the chunk plan a full load makes, its chunks read by as many threads
   * as a load reads them with, every row decoded into its typed values and dropped. This is the most a full load
   * can reach with this source and this plan (a destination that costs nothing), so it tells how much of the
   * distance to the limit is the reading and how much the writing.
   */
  static Measurement measureSourceAlone(ObjectNode sourceConfig, StreamId stream) throws Exception {
    System.gc();
    try (Source source = new BenchConnectors().source(sourceConfig)) {
      StreamSpec spec = BenchConnectors.stream(source, stream, SyncMode.FULL_REFRESH);
      LongAdder rows = new LongAdder();
      LongAdder bytes = new LongAdder();
      long start = System.nanoTime();
      List<Split> splits = source.planSnapshot(spec);
      ExecutorService readers = Executors.newFixedThreadPool(source.maxConcurrentReads());
      try {
        List<Future<?>> reads = new ArrayList<>();
        for (Split split : splits) {
          reads.add(readers.submit(() -> {
            try (SnapshotReader reader = source.openSnapshot(spec, split)) {
              reader.read((row, size) -> {
                rows.increment();
                bytes.add(size);
              });
            }
            return null;
          }));
        }
        for (int i = 0; i < reads.size(); i++) {
          try {
            reads.get(i).get();
          } catch (ExecutionException e) {
            throw new IllegalStateException("reading split " + splits.get(i).id() + " failed", e.getCause());
          }
        }
      } finally {
        readers.shutdownNow();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement(SOURCE_ALONE, rows.sum(), bytes.sum(), seconds, -1);
    }
  }
}
