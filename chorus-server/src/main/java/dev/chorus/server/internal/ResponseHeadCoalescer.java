package dev.chorus.server.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Sends an HTTP/1 response's head in the same socket write as the start of its body.
 *
 * <p>Why: Armeria writes a streamed response's head, flushes it, and asks for the body only once that write has
 * completed, so every response (a 4 KB cache hit included) cost two socket writes and two TCP segments, where a
 * server writing a file sends one. Here the head's write is reported done as soon as it is queued, which lets the
 * body follow at once, and the flush after the head is held until the body's own flush carries both; if no body is
 * written by then, the held flush runs as the event loop's next task, so a head never waits for a slow body (the
 * first audio of a synthesis) longer than that.
 *
 * <p>Only writes that start at the pipeline's tail pass this handler: the HTTP/1 response objects of Armeria's
 * encoder ({@link HttpResponse} heads and {@link HttpContent}). HTTP/2 frames and the protocol errors the decoder
 * answers itself do not. A head that cannot be queued (a closed connection) is reported failed at once; one whose
 * real write fails later closes the connection, so the body written after it fails as well.
 * One instance per connection (it keeps the connection's state); event-loop confined, like every handler.
 */
public final class ResponseHeadCoalescer extends ChannelOutboundHandlerAdapter {

    /** The last write was a response head whose flush may be held. */
    private boolean headQueued;
    /** A flush was held and has not been performed since. */
    private boolean flushHeld;
    private ChannelHandlerContext context;
    private final Runnable heldFlush = () -> flushHeldHead(context);

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse && !(msg instanceof HttpContent) && !promise.isVoid()) {
            ChannelPromise queued = ctx.newPromise();
            ctx.write(msg, queued);
            if (queued.isDone() && !queued.isSuccess()) { // a closed connection: reported as it would be
                promise.tryFailure(queued.cause());
                return;
            }
            headQueued = true;
            queued.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            promise.trySuccess();
            return;
        }
        headQueued = false;
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (headQueued) {
            if (!flushHeld) {
                flushHeld = true;
                ctx.executor().execute(heldFlush);
            }
            return;
        }
        flushHeld = false;
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushHeldHead(ctx); // a close that comes this way must not drop a head whose flush is held
        ctx.close(promise);
    }

    private void flushHeldHead(ChannelHandlerContext ctx) {
        if (flushHeld) {
            flushHeld = false;
            headQueued = false;
            ctx.flush();
        }
    }
}
