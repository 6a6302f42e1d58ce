package io.sluice.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TestBoundedChannel {
  @Test
  void fullChannelBlocksTheProducerUntilTheConsumerTakes() throws Exception {
    BoundedChannel<String> channel = new BoundedChannel<>(2, 1_000);
    channel.put("a", 1);
    channel.put("b", 1);
    AtomicInteger put = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    Thread producer = new Thread(() -> {
      try {
        channel.put("c", 1);
        put.incrementAndGet();
        done.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    producer.start();
    assertThat(done.await(200, TimeUnit.MILLISECONDS)).as("producer must block on a full channel").isFalse();
    assertThat(channel.take()).isEqualTo("a");
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(put.get()).isEqualTo(1);
  }

  @Test
  void byteBoundBlocksButAnOversizedItemPassesAnEmptyChannel() throws Exception {
    BoundedChannel<String> channel = new BoundedChannel<>(100, 10);
    channel.put("huge", 50);
    assertThat(channel.bufferedBytes()).isEqualTo(50);
    CountDownLatch done = new CountDownLatch(1);
    Thread producer = new Thread(() -> {
      try {
        channel.put("small", 1);
        done.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    producer.start();
    assertThat(done.await(200, TimeUnit.MILLISECONDS)).isFalse();
    channel.take();
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void failureReachesTheConsumerAsTheOriginalException() throws Exception {
    BoundedChannel<String> channel = new BoundedChannel<>(2, 100);
    IllegalStateException readerFailure = new IllegalStateException("reader broke");
    Thread reader = new Thread(() -> channel.fail(readerFailure));
    reader.start();
    reader.join();
    assertThatThrownBy(channel::take).isSameAs(readerFailure);
    assertThatThrownBy(() -> channel.put("x", 1)).isSameAs(readerFailure);
  }
}
