package io.sluice.engine.pipeline;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue between a producer and a consumer thread, bounded both by item count and by bytes, so that memory
 * stays bounded whatever the row width: a full channel blocks the producer (back-pressure). One item larger
 * than the byte bound is still accepted when the channel is empty, so a single huge row cannot deadlock.
 *
 * <p>Either side can {@link #fail} the channel; from then on both {@link #put} and {@link #take} throw the
 * failure, which is how a reader's exception reaches the writer (and the sync) as itself, and how a failed
 * writer stops its reader.
 */
public final class BoundedChannel<T> {
  private record Entry<T>(T item, long bytes) {}

  private final int maxItems;
  private final long maxBytes;
  private final ArrayDeque<Entry<T>> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition notEmpty = lock.newCondition();
  private long bytes;
  private RuntimeException failure;

  public BoundedChannel(int maxItems, long maxBytes) {
    if (maxItems < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("Cannot make a channel bounded by " + maxItems + " items and " + maxBytes
          + " bytes: both bounds must be positive");
    }
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
  }

  /** Adds an item, blocking while the channel is full. Throws the failure if the channel has failed. */
  public void put(T item, long itemBytes) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (failure == null && !queue.isEmpty() && (queue.size() >= maxItems || bytes + itemBytes > maxBytes)) {
        notFull.await();
      }
      throwIfFailed();
      queue.addLast(new Entry<>(item, itemBytes));
      bytes += itemBytes;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Removes the oldest item, blocking while the channel is empty. Throws the failure if the channel has failed. */
  public T take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (failure == null && queue.isEmpty()) {
        notEmpty.await();
      }
      throwIfFailed();
      Entry<T> entry = queue.removeFirst();
      bytes -= entry.bytes();
      notFull.signal();
      return entry.item();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails the channel with {@code cause} (the first failure wins); wakes both sides. Buffered items are
   * dropped: after a failure nothing downstream may commit them.
   */
  public void fail(Throwable cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause instanceof RuntimeException runtime ? runtime : new PipelineException(cause);
      }
      queue.clear();
      bytes = 0;
      notFull.signalAll();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes currently buffered; for metrics. */
  public long bufferedBytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }
}
