package dev.chorus.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches the socket, and when: a response's head and body leave in one flush; a head alone still leaves on
 * the event loop's next task; nothing else is held; a close or a failed write loses nothing and hides nothing.
 */
class ResponseHeadCoalescerTest {

    /** Stands for the socket: records each flush with the messages written since the previous one. */
    private static final class Socket extends ChannelOutboundHandlerAdapter {
        final List<List<Object>> flushes = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        private List<Object> pending = new ArrayList<>();
        boolean failHeads;
        boolean deferHeads;
        ChannelPromise deferred;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (failHeads && msg instanceof DefaultHttpResponse) {
                promise.setFailure(new IOException("connection reset by peer"));
                return;
            }
            pending.add(msg);
            if (deferHeads && msg instanceof DefaultHttpResponse) {
                deferred = promise; // completed by the test, as a socket write finishing later
                return;
            }
            promise.setSuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            events.add("flush");
            if (!pending.isEmpty()) {
                flushes.add(pending);
                pending = new ArrayList<>();
            }
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            events.add("close");
            ctx.close(promise);
        }
    }

    private final Socket socket = new Socket();
    private final EmbeddedChannel channel = new EmbeddedChannel(socket, new ResponseHeadCoalescer());
    // Through the pipeline, not EmbeddedChannel's own methods: those run the pending tasks after each call.

    private static DefaultHttpResponse head() {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-length", 4);
        return head;
    }

    private static DefaultHttpContent body() {
        return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}));
    }

    @Test
    void aHeadAndItsBodyLeaveInOneFlush() {
        DefaultHttpResponse head = head();
        ChannelFuture headWritten = channel.pipeline().write(head);
        // Reported written at once, so the body can follow without waiting for a socket write of its own.
        assertThat(headWritten.isSuccess()).isTrue();
        channel.pipeline().flush();
        assertThat(socket.flushes).isEmpty();

        DefaultHttpContent body = body();
        channel.pipeline().writeAndFlush(body);
        assertThat(socket.flushes).containsExactly(List.of(head, body));

        channel.runPendingTasks(); // the held flush has nothing left to do
        assertThat(socket.flushes).hasSize(1);
        channel.pipeline().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(socket.flushes).hasSize(2);
    }

    @Test
    void aHeadWithoutABodyYetLeavesOnTheEventLoopsNextTask() {
        DefaultHttpResponse head = head();
        channel.pipeline().writeAndFlush(head);
        channel.pipeline().flush();
        assertThat(socket.flushes).isEmpty();

        channel.runPendingTasks();
        assertThat(socket.flushes).containsExactly(List.of(head));

        // The body that comes later (the first audio of a synthesis) is flushed as it is written.
        DefaultHttpContent body = body();
        channel.pipeline().writeAndFlush(body);
        assertThat(socket.flushes).containsExactly(List.of(head), List.of(body));
    }

    @Test
    void wholeResponsesAndOtherWritesAreNotHeld() {
        DefaultFullHttpResponse whole = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        channel.pipeline().writeAndFlush(whole);
        assertThat(socket.flushes).containsExactly(List.of(whole));

        Object bytes = Unpooled.wrappedBuffer(new byte[] {1});
        channel.pipeline().writeAndFlush(bytes);
        assertThat(socket.flushes).containsExactly(List.of(whole), List.of(bytes));
    }

    @Test
    void aCloseSendsAHeldHeadFirst() {
        DefaultHttpResponse head = head();
        channel.pipeline().writeAndFlush(head);
        assertThat(socket.flushes).isEmpty();

        channel.pipeline().close();
        assertThat(socket.flushes).containsExactly(List.of(head));
        assertThat(socket.events).endsWith("flush", "close");
    }

    @Test
    void aHeadThatCannotBeWrittenIsReportedFailed() {
        socket.failHeads = true;
        ChannelFuture headWritten = channel.pipeline().write(head());
        assertThat(headWritten.isDone()).isTrue();
        assertThat(headWritten.cause()).hasMessage("connection reset by peer");
    }

    @Test
    void aHeadWhoseWriteFailsAfterItWasReportedClosesTheConnection() {
        socket.deferHeads = true;
        ChannelFuture headWritten = channel.pipeline().write(head());
        assertThat(headWritten.isSuccess()).isTrue();
        socket.deferred.setFailure(new IOException("broken pipe"));
        assertThat(channel.isOpen()).isFalse();
        // The body written after it fails as on any closed connection.
        assertThat(channel.pipeline().writeAndFlush(body()).isSuccess()).isFalse();
    }
}
