package io.sluice.engine.sync;

import io.sluice.engine.progress.StreamProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sync: every configured stream, at most {@link SyncOptions#maxConcurrentStreams()} at once. A failed
 * stream does not stop the others; the report says which failed and why.
 */
public final class SyncRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SyncRunner.class);

  private final Source source;
  private final Destination destination;
  private final StateStore state;
  private final SyncOptions options;
  private final Clock clock;
  private final Map<ConfiguredStream, StreamProgress> progress = new LinkedHashMap<>();
  private final boolean continuous;

  public SyncRunner(Source source, Destination destination, List<ConfiguredStream> streams, StateStore state,
      SyncOptions options, Clock clock) {
    this(source, destination, streams, state, options, clock, false);
  }

  /**
   * @param continuous repeat incremental streams every {@link ConfiguredStream#pollIntervalSeconds()} until
   *     interrupted, instead of running each stream once
   */
  public SyncRunner(Source source, Destination destination, List<ConfiguredStream> streams, StateStore state,
      SyncOptions options, Clock clock, boolean continuous) {
    this.continuous = continuous;
    this.source = source;
    this.destination = destination;
    this.state = state;
    this.options = options;
    this.clock = clock;
    for (ConfiguredStream stream : streams) {
      progress.put(stream, new StreamProgress(stream.spec().source()));
    }
  }

  /** Live progress of every stream, for the reporter; stable from construction on. */
  public List<StreamProgress> progress() {
    return List.copyOf(progress.values());
  }

  /** Syncs every stream and reports how each ended. Throws only when interrupted. */
  public SyncReport run() throws InterruptedException {
    AtomicInteger threadNumber = new AtomicInteger();
    // continuous streams never finish, so each needs its own thread
    int threads = continuous ? progress.size() : Math.min(options.maxConcurrentStreams(), progress.size());
    ExecutorService streams = Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
      Thread thread = new Thread(runnable, "sluice-stream-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    List<Future<StreamResult>> futures = new ArrayList<>();
    try {
      for (Map.Entry<ConfiguredStream, StreamProgress> entry : progress.entrySet()) {
        futures.add(streams.submit(() -> syncStream(entry.getKey(), entry.getValue())));
      }
      List<StreamResult> results = new ArrayList<>();
      for (Future<StreamResult> future : futures) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("syncStream reports failures in its result", e.getCause());
        }
      }
      return new SyncReport(results);
    } catch (InterruptedException e) {
      // Let every stream abort its writers before returning, so nothing writes after the caller moves on.
      streams.shutdownNow();
      if (!streams.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("streams did not stop within 30 s of the interrupt");
      }
      throw e;
    } finally {
      streams.shutdownNow();
    }
  }

  private StreamResult pollIncremental(ConfiguredStream configured, StreamProgress streamProgress)
      throws InterruptedException {
    while (true) {
      StreamResult result =
          new IncrementalLoad(source, destination, configured, state, streamProgress, clock).run();
      if (!continuous) {
        return result;
      }
      java.util.concurrent.TimeUnit.SECONDS.sleep(configured.pollIntervalSeconds());
    }
  }

  private StreamResult syncStream(ConfiguredStream configured, StreamProgress streamProgress)
      throws InterruptedException {
    StreamSpec spec = configured.spec();
    try {
      return switch (spec.syncMode()) {
        case FULL_REFRESH -> new FullRefreshLoad(source, destination, spec, state, streamProgress, options, clock).run();
        case INCREMENTAL -> pollIncremental(configured, streamProgress);
        case CDC, CDC_ONLY -> throw new SluiceException(ErrorKind.CONFIG, "Cannot sync " + spec.source()
            + " in mode " + spec.syncMode().jsonName() + ": this version of Sluice syncs full_refresh and "
            + "incremental only");
      };
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable failure) {
      streamProgress.phase(StreamProgress.Phase.FAILED);
      LOG.error("{}: sync failed: {}", spec.source(), failure.getMessage());
      LOG.debug("{}: failure detail", spec.source(), failure);
      return new StreamResult(spec.source(), spec.destination(), streamProgress.rowsCommitted(),
          streamProgress.rowsRead(), streamProgress.chunksTotal(), streamProgress.elapsedSeconds(),
          Optional.of(failure));
    }
  }
}
