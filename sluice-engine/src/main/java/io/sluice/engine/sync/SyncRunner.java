package io.sluice.engine.sync;

import io.sluice.engine.progress.StreamProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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
  private final ChangeLogOptions changeLogOptions;
  private volatile RetryPolicy retryPolicy = RetryPolicy.NONE;

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
    this(source, destination, streams, state, options, clock, ChangeLogOptions.DEFAULTS.withContinuous(continuous));
  }

  /**
   * @param changeLogOptions how change-log streams commit; its {@link ChangeLogOptions#continuous()} also makes
   *     incremental streams poll until interrupted
   */
  public SyncRunner(Source source, Destination destination, List<ConfiguredStream> streams, StateStore state,
      SyncOptions options, Clock clock, ChangeLogOptions changeLogOptions) {
    this.continuous = changeLogOptions.continuous();
    this.changeLogOptions = changeLogOptions;
    this.source = source;
    this.destination = destination;
    this.state = state;
    this.options = options;
    this.clock = clock;
    for (ConfiguredStream stream : streams) {
      progress.put(stream, new StreamProgress(stream.spec().source()));
    }
  }

  /** Retries streams that fail with a transient error under {@code policy} (none by default). Call before run. */
  public SyncRunner retrying(RetryPolicy policy) {
    this.retryPolicy = java.util.Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** Live progress of every stream, for the reporter; stable from construction on. */
  public List<StreamProgress> progress() {
    return List.copyOf(progress.values());
  }

  /** Syncs every stream and reports how each ended. Throws only when interrupted. */
  public SyncReport run() throws InterruptedException {
    List<ConfiguredStream> changeLogStreams = progress.keySet().stream().filter(SyncRunner::readsChangeLog).toList();
    List<Callable<List<StreamResult>>> tasks = new ArrayList<>();
    for (Map.Entry<ConfiguredStream, StreamProgress> entry : progress.entrySet()) {
      if (!readsChangeLog(entry.getKey())) {
        tasks.add(() -> withRetries(entry.getKey().spec().source().toString(),
            () -> List.of(syncStream(entry.getKey(), entry.getValue()))));
      }
    }
    if (!changeLogStreams.isEmpty()) {
      // One task for all of them: they share the source's one log.
      tasks.add(() -> withRetries("change log", () -> syncChangeLog(changeLogStreams)));
    }
    AtomicInteger threadNumber = new AtomicInteger();
    // continuous tasks never finish, so each needs its own thread
    int threads = continuous ? tasks.size() : Math.min(options.maxConcurrentStreams(), tasks.size());
    ExecutorService streams = Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
      Thread thread = new Thread(runnable, "sluice-stream-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    List<Future<List<StreamResult>>> futures = new ArrayList<>();
    try {
      for (Callable<List<StreamResult>> task : tasks) {
        futures.add(streams.submit(task));
      }
      List<StreamResult> results = new ArrayList<>();
      for (Future<List<StreamResult>> future : futures) {
        try {
          results.addAll(future.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("stream tasks report failures in their results", e.getCause());
        }
      }
      return new SyncReport(results);
    } catch (InterruptedException e) {
      // Let every stream abort its writers (or, for the change log, commit) before returning, so nothing
      // writes after the caller moves on.
      streams.shutdownNow();
      if (!streams.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("streams did not stop within 30 s of the interrupt");
      }
      throw e;
    } finally {
      streams.shutdownNow();
    }
  }

  /**
   * Runs {@code task} again while one of its streams failed with a transient error and retries remain; each retry
   * resumes from what is durable.
   */
  private List<StreamResult> withRetries(String what, Callable<List<StreamResult>> task) throws Exception {
    for (int retry = 1; ; retry++) {
      List<StreamResult> results = task.call();
      Optional<Throwable> transientFailure = results.stream().map(StreamResult::failure).flatMap(Optional::stream)
          .filter(RetryPolicy::retryable).findFirst();
      if (transientFailure.isEmpty() || retry > retryPolicy.maxRetries()) {
        if (transientFailure.isPresent() && retryPolicy.maxRetries() > 0) {
          LOG.error("{}: giving up after {} retries", what, retryPolicy.maxRetries());
        }
        return results;
      }
      java.time.Duration delay = retryPolicy.delay(retry);
      LOG.warn("{}: {}; retry {} of {} in {} ms", what, transientFailure.get().getMessage(), retry,
          retryPolicy.maxRetries(), delay.toMillis());
      Thread.sleep(delay.toMillis());
    }
  }

  private static boolean readsChangeLog(ConfiguredStream stream) {
    SyncMode mode = stream.spec().syncMode();
    return mode == SyncMode.CDC || mode == SyncMode.CDC_ONLY;
  }

  private List<StreamResult> syncChangeLog(List<ConfiguredStream> configured) throws InterruptedException {
    List<StreamSpec> specs = configured.stream().map(ConfiguredStream::spec).toList();
    Map<StreamId, StreamProgress> byStream = new LinkedHashMap<>();
    configured.forEach(c -> byStream.put(c.spec().source(), progress.get(c)));
    Optional<ChangeLogSource> log = source.changeLog();
    if (log.isEmpty()) {
      SluiceException failure = new SluiceException(ErrorKind.CONFIG, "Cannot sync " + specs.get(0).source()
          + " in mode " + specs.get(0).syncMode().jsonName() + ": this source has no change log; use full_refresh "
          + "or incremental");
      return specs.stream().map(s -> failed(s, byStream.get(s.source()), failure)).toList();
    }
    return new ChangeLogSync(source, log.get(), destination, specs, state, byStream, options, changeLogOptions, clock)
        .run();
  }

  private static StreamResult failed(StreamSpec spec, StreamProgress streamProgress, Throwable failure) {
    streamProgress.phase(StreamProgress.Phase.FAILED);
    LOG.error("{}: sync failed: {}", spec.source(), failure.getMessage());
    LOG.debug("{}: failure detail", spec.source(), failure);
    return new StreamResult(spec.source(), spec.destination(), streamProgress.rowsCommitted(),
        streamProgress.rowsRead(), streamProgress.chunksTotal(), streamProgress.elapsedSeconds(),
        Optional.of(failure));
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
        case CDC, CDC_ONLY -> throw new IllegalStateException("change-log streams run together, not one by one");
      };
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable failure) {
      return failed(spec, streamProgress, failure);
    }
  }
}
