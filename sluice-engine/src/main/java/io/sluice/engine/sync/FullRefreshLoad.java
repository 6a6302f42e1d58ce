package io.sluice.engine.sync;

import io.sluice.engine.pipeline.BoundedChannel;
import io.sluice.engine.progress.StreamProgress;
import io.sluice.engine.state.Checkpoint;
import io.sluice.engine.state.ChunkSet;
import io.sluice.engine.state.CompletedLoad;
import io.sluice.engine.state.LoadProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.state.StreamState;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Destination;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full-refresh load of one stream: plan (or resume) the splits, read them in parallel, stage them in the
 * destination, then publish the new content atomically.
 *
 * <p>The load runs in <em>lanes</em>: each lane is a reader thread and a writer thread joined by a bounded
 * channel, with its own {@link StreamWriter}. A lane reads one split at a time and the writer commits once
 * per split, so every destination commit holds whole splits only; that is what lets a resumed load skip
 * exactly the committed splits without duplicating or losing a row. Commits of all lanes are serialised, and
 * each records the cumulative set of committed splits, so the newest commit always tells the whole story.
 *
 * <p>Commit order per split: destination commit (data + checkpoint) → state file. Publication: destination
 * publish → state file.
 */
final class FullRefreshLoad {
  private static final Logger LOG = LoggerFactory.getLogger(FullRefreshLoad.class);

  private final Source source;
  private final Destination destination;
  private final StreamSpec spec;
  private final StateStore state;
  private final StreamProgress progress;
  private final SyncOptions options;
  private final Clock clock;
  private final String stateKey;

  private final Object commitLock = new Object();
  private ChunkSet committed;
  private long committedRows;

  FullRefreshLoad(Source source, Destination destination, StreamSpec spec, StateStore state, StreamProgress progress,
      SyncOptions options, Clock clock) {
    this.source = source;
    this.destination = destination;
    this.spec = spec;
    this.state = state;
    this.progress = progress;
    this.options = options;
    this.clock = clock;
    this.stateKey = spec.source().toString();
  }

  /** Runs the load to publication. Throws the first failure of any lane (a reader's failure as itself). */
  StreamResult run() throws InterruptedException {
    progress.phase(StreamProgress.Phase.PLANNING);
    LoadProgress load = planOrResume();
    List<Split> splits = load.splits();
    List<StreamWriter> writers = new ArrayList<>();
    try {
      writers.add(destination.openStream(new WriteRequest(spec, WriteMode.REPLACE, load.loadId())));
      load = reconcile(load, writers.get(0).committedCheckpoint());
      committed = load.done();
      committedRows = load.rowsDone();
      progress.plan(splits.size(), committed.size(), committedRows, estimatedRows(splits));

      ConcurrentLinkedQueue<Integer> pending = new ConcurrentLinkedQueue<>();
      for (int i = 0; i < splits.size(); i++) {
        if (!committed.contains(i)) {
          pending.add(i);
        }
      }
      int lanes = Math.max(1, Math.min(source.maxConcurrentReads(), pending.size()));
      for (int i = 1; i < lanes && !pending.isEmpty(); i++) {
        writers.add(destination.openStream(new WriteRequest(spec, WriteMode.REPLACE, load.loadId())));
      }
      if (!pending.isEmpty()) {
        progress.phase(StreamProgress.Phase.LOADING);
        LOG.info("{}: loading {} of {} chunks into {} with {} lane(s){}", spec.source(), pending.size(),
            splits.size(), spec.destination(), writers.size(),
            committed.size() > 0 ? " (resuming load " + load.loadId() + ")" : "");
        runLanes(load, splits, pending, writers);
      }
      progress.phase(StreamProgress.Phase.PUBLISHING);
      writers.get(0).publish();
      CompletedLoad completed = new CompletedLoad(load.loadId(), clock.instant(), committedRows);
      state.update(stateKey, s -> s.completed(completed));
      progress.phase(StreamProgress.Phase.DONE);
      return new StreamResult(spec.source(), spec.destination(), committedRows, progress.rowsRead(), splits.size(),
          progress.elapsedSeconds(), Optional.empty());
    } catch (RuntimeException | InterruptedException | Error e) {
      progress.phase(StreamProgress.Phase.FAILED);
      writers.forEach(StreamWriter::abort);
      throw e;
    } finally {
      for (StreamWriter writer : writers) {
        writer.close();
      }
    }
  }

  private LoadProgress planOrResume() {
    String fingerprint = StreamFingerprint.of(spec);
    StreamState current = state.current().stream(stateKey);
    Optional<LoadProgress> previous = current.load();
    if (previous.isPresent() && previous.get().streamFingerprint().equals(fingerprint)) {
      // with every split committed only the publish is left, which reads nothing
      if (previous.get().done().size() == previous.get().splits().size()
          || source.resumable(spec, previous.get().splits())) {
        LOG.info("{}: resuming load {} ({} of {} chunks committed earlier)", spec.source(), previous.get().loadId(),
            previous.get().done().size(), previous.get().splits().size());
        return previous.get();
      }
      // e.g. page ranges outside the snapshot they were planned in: a row updated since could now be in a range
      // already committed, or in a remaining one a second time
      LOG.warn("{}: load {} cannot go on where it stopped: its chunks are bounded by where rows are stored and the "
          + "snapshot they were planned in is gone, so rows changed since could be missed or loaded twice; "
          + "starting the load over", spec.source(), previous.get().loadId());
    } else if (previous.isPresent()) {
      LOG.warn("{}: the stream's columns, key, partitioning or destination changed since load {} started; "
          + "starting a new load", spec.source(), previous.get().loadId());
    }
    List<Split> splits = source.planSnapshot(spec);
    LoadProgress fresh = new LoadProgress(UUID.randomUUID().toString(), fingerprint, clock.instant(), splits,
        ChunkSet.empty(), 0);
    // The plan is saved before any row is read, so a resumed load reads exactly the same splits.
    state.update(stateKey, s -> s.withLoad(fresh));
    return fresh;
  }

  /** The destination's record wins over the state file: it is written first, so after a crash it is newer. */
  private LoadProgress reconcile(LoadProgress load, Optional<String> destinationCheckpoint) {
    if (destinationCheckpoint.isEmpty()) {
      if (load.done().size() > 0) {
        LOG.warn("{}: the state file lists {} committed chunks of load {} but the destination has none staged; "
            + "reading them again", spec.source(), load.done().size(), load.loadId());
      }
      return new LoadProgress(load.loadId(), load.streamFingerprint(), load.startedAt(), load.splits(),
          ChunkSet.empty(), 0);
    }
    Checkpoint checkpoint = Checkpoint.decode(destinationCheckpoint.get());
    if (!checkpoint.loadId().equals(load.loadId())) {
      return new LoadProgress(load.loadId(), load.streamFingerprint(), load.startedAt(), load.splits(),
          ChunkSet.empty(), 0);
    }
    if (!checkpoint.done().equals(load.done())) {
      LOG.info("{}: the destination holds chunks {} of load {} (state file: {}); continuing from the destination's",
          spec.source(), checkpoint.done(), load.loadId(), load.done());
    }
    return load.withCheckpoint(checkpoint);
  }

  private void runLanes(LoadProgress load, List<Split> splits, ConcurrentLinkedQueue<Integer> pending,
      List<StreamWriter> writers) throws InterruptedException {
    int lanes = writers.size();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(lanes * 2, runnable -> {
      Thread thread = new Thread(runnable, "sluice-" + spec.source() + "-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<BoundedChannel<LaneItem>> channels = new ArrayList<>();
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int lane = 0; lane < lanes; lane++) {
        BoundedChannel<LaneItem> channel = new BoundedChannel<>(options.channelBatches(), options.channelBytes());
        channels.add(channel);
        StreamWriter writer = writers.get(lane);
        futures.add(threads.submit(() -> readSplits(splits, pending, channel, firstFailure)));
        futures.add(threads.submit(() -> writeSplits(load, channel, writer, firstFailure, channels)));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          firstFailure.compareAndSet(null, e.getCause());
        }
      }
    } catch (InterruptedException e) {
      channels.forEach(c -> c.fail(e));
      throw e;
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(30, TimeUnit.SECONDS);
    }
    Throwable failure = firstFailure.get();
    if (failure != null) {
      rethrow(failure);
    }
  }

  private void readSplits(List<Split> splits, ConcurrentLinkedQueue<Integer> pending,
      BoundedChannel<LaneItem> channel, AtomicReference<Throwable> firstFailure) {
    try {
      Integer index;
      while ((index = pending.poll()) != null) {
        Split split = splits.get(index);
        BatchingRowSink sink = new BatchingRowSink(channel, progress, options.batchRows());
        long rows;
        try (SnapshotReader reader = source.openSnapshot(spec, split)) {
          rows = reader.read(sink);
        }
        sink.flush();
        channel.put(new LaneItem.SplitFinished(index, rows), 0);
      }
      channel.put(new LaneItem.End(), 0);
    } catch (Throwable t) {
      firstFailure.compareAndSet(null, t);
      channel.fail(t);
    }
  }

  private void writeSplits(LoadProgress load, BoundedChannel<LaneItem> channel, StreamWriter writer,
      AtomicReference<Throwable> firstFailure, List<BoundedChannel<LaneItem>> allChannels) {
    try {
      long rowsInSplit = 0;
      while (true) {
        LaneItem item = channel.take();
        if (item instanceof LaneItem.Rows batch) {
          Object[][] rows = batch.rows();
          for (int i = 0; i < batch.count(); i++) {
            writer.write(ChangeEvent.read(rows[i], 0));
          }
          rowsInSplit += batch.count();
        } else if (item instanceof LaneItem.SplitFinished finished) {
          if (finished.rows() != rowsInSplit) {
            throw new IllegalStateException("Cannot commit chunk " + finished.index() + " of " + spec.source()
                + ": the reader reported " + finished.rows() + " rows but handed over " + rowsInSplit);
          }
          commitSplit(load, writer, finished.index(), rowsInSplit);
          rowsInSplit = 0;
        } else {
          return;
        }
      }
    } catch (Throwable t) {
      // Keep the reader's own exception as the cause of the failure when it came through the channel.
      firstFailure.compareAndSet(null, t);
      allChannels.forEach(c -> c.fail(t));
    }
  }

  private void commitSplit(LoadProgress load, StreamWriter writer, int index, long rows) {
    synchronized (commitLock) {
      ChunkSet next = committed.with(index);
      long nextRows = committedRows + rows;
      Checkpoint checkpoint = new Checkpoint(load.loadId(), next, nextRows);
      writer.commit(checkpoint.encode());
      committed = next;
      committedRows = nextRows;
      state.update(stateKey, s -> s.withLoad(load.withCheckpoint(checkpoint)));
      progress.chunkCommitted(rows);
    }
  }

  private static long estimatedRows(List<Split> splits) {
    long total = 0;
    for (Split split : splits) {
      if (split.estimatedRows() < 0) {
        return -1;
      }
      total += split.estimatedRows();
    }
    return total;
  }

  private static void rethrow(Throwable failure) throws InterruptedException {
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof InterruptedException interrupted) {
      throw interrupted;
    }
    throw new io.sluice.engine.pipeline.PipelineException(failure);
  }
}
