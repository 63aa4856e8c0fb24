package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/enkash-oss/enkash-go/bulk"
)

// readRows returns the input's rows (bulk.Reader): a bad CSV header is an
// error here, before anything is read further.
func readRows(o syncOptions, in io.Reader) (*bulk.Reader, iter.Seq2[bulk.Row, error], error) {
	r, err := bulk.NewReader(in, bulk.ReaderOptions{Format: bulk.Format(o.format), NullMarker: o.nullMarker, Delimiter: o.delimiter})
	if err != nil {
		return nil, nil, err
	}
	return r, func(yield func(bulk.Row, error) bool) {
		for row, err := range r.Rows() {
			var re *bulk.RowError
			if err != nil && !errors.As(err, &re) {
				err = fmt.Errorf("reading %s: %w", o.path, err)
			}
			if !yield(row, err) {
				return
			}
		}
	}, nil
}

// ctxReader reads r on a goroutine of its own, so that a Read waiting for
// input (stdin still open) returns as soon as ctx ends.
type ctxReader struct {
	ctx    context.Context
	chunks chan readChunk
	buf    []byte
	err    error
}

type readChunk struct {
	data []byte
	err  error
}

func newCtxReader(ctx context.Context, r io.Reader) io.Reader {
	c := &ctxReader{ctx: ctx, chunks: make(chan readChunk)}
	go func() {
		for {
			b := make([]byte, 64<<10)
			n, err := r.Read(b)
			select {
			case c.chunks <- readChunk{b[:n], err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *ctxReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		select {
		case ch := <-c.chunks:
			c.buf, c.err = ch.data, ch.err
		case <-c.ctx.Done():
			return 0, c.ctx.Err()
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}
