package bearer

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errRefused = errors.New("unauthorized")

// clock is an injected clock the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// numbered returns a Cache whose fetches return token-1-abcdef,
// token-2-abcdef, … living life (0: no expiry), and the fetch counter.
func numbered(clk *clock, life time.Duration) (*Cache, *atomic.Int32) {
	var n atomic.Int32
	c := &Cache{Reuse: true, Timeout: time.Hour, Now: clk.Now, Refused: errRefused,
		Fetch: func(context.Context) (*oauth2.Token, error) {
			tok := &oauth2.Token{AccessToken: "token-" + strconv.Itoa(int(n.Add(1))) + "-abcdef"}
			if life > 0 {
				tok.Expiry = clk.Now().Add(life)
			}
			return tok, nil
		}}
	return c, &n
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

// TestCache_ReusesUntilExpiryMinusMargin: with Reuse a token serves until
// its expiry minus Margin, the margin at most half the token's lifetime; a
// token without expiry serves until refused; without Reuse every Header
// fetches.
func TestCache_ReusesUntilExpiryMinusMargin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reuse  bool
		life   time.Duration
		margin time.Duration
		at     []time.Duration // Header times after the first
		want   int32           // fetches
	}{
		{"margin inside the lifetime: reused", true, 20 * time.Second, 10 * time.Second, []time.Duration{0, 9 * time.Second}, 1},
		{"margin inside the lifetime: replaced", true, 20 * time.Second, 10 * time.Second, []time.Duration{0, 10 * time.Second}, 2},
		{"margin over the lifetime: half of it", true, 20 * time.Second, time.Minute, []time.Duration{0, 9 * time.Second}, 1},
		{"margin over the lifetime: replaced at half", true, 20 * time.Second, time.Minute, []time.Duration{0, 10 * time.Second}, 2},
		{"no expiry: kept", true, 0, time.Minute, []time.Duration{0, 24 * time.Hour}, 1},
		{"without Reuse: a fetch each time", false, time.Hour, time.Minute, []time.Duration{0, 0, 0}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			c, n := numbered(clk, tc.life)
			c.Reuse, c.Margin = tc.reuse, tc.margin
			var last time.Duration
			for _, d := range tc.at {
				clk.Add(d - last)
				last = d
				h, _, err := c.Header(context.Background())
				require.NoError(t, err)
				assert.Equal(t, "Bearer token-"+strconv.Itoa(int(n.Load()))+"-abcdef", h)
			}
			assert.Equal(t, tc.want, n.Load())
		})
	}
}

// TestCache_RefusesUnusableTokens: a fetch answering no token, an empty one
// or one Check refuses is an error, not a header, and nothing is kept.
func TestCache_RefusesUnusableTokens(t *testing.T) {
	for name, tok := range map[string]*oauth2.Token{
		"nil":            nil,
		"empty":          {AccessToken: ""},
		"header newline": {AccessToken: "abcdefgh\nEvil: 1"},
		"too short":      {AccessToken: "abc"},
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			c := &Cache{Reuse: true, Timeout: time.Hour, Now: time.Now, Fetch: func(context.Context) (*oauth2.Token, error) {
				n.Add(1)
				return tok, nil
			}}
			for range 2 {
				h, _, err := c.Header(context.Background())
				require.Error(t, err)
				assert.Empty(t, h)
				assert.NotContains(t, err.Error(), "Evil")
			}
			assert.Equal(t, int32(2), n.Load(), "nothing cached")
		})
	}
}

// TestCache_DoneContextFetchesNothing: a caller whose ctx is done gets
// ctx.Err() and starts no fetch.
func TestCache_DoneContextFetchesNothing(t *testing.T) {
	c, n := numbered(newClock(), time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Header(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, n.Load())
}

// TestCache_OneFetchForConcurrentCallers: callers arriving while a fetch is
// in flight share it.
func TestCache_OneFetchForConcurrentCallers(t *testing.T) {
	release := make(chan struct{})
	var n atomic.Int32
	c := &Cache{Reuse: true, Timeout: time.Hour, Now: time.Now, Fetch: func(context.Context) (*oauth2.Token, error) {
		n.Add(1)
		<-release
		return &oauth2.Token{AccessToken: "shared-token-1"}, nil
	}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			h, _, err := c.Header(context.Background())
			assert.NoError(t, err)
			assert.Equal(t, "Bearer shared-token-1", h)
		})
	}
	waitFor(t, func() bool { return c.waitersNow() == 8 })
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), n.Load())
}

// waitersNow is how many callers wait for the flight in progress.
func (c *Cache) waitersNow() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flight == nil {
		return 0
	}
	return c.flight.waiters
}

// waitFor yields until cond holds (a guard against hanging the suite, not a
// time assertion).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
	}
}

// TestCache_FetchSurvivesOneWaiterLeaving: a caller that gives up does not
// cancel the fetch for the others still waiting.
func TestCache_FetchSurvivesOneWaiterLeaving(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	c := &Cache{Reuse: true, Cancellable: true, Timeout: time.Hour, Now: time.Now, Fetch: func(ctx context.Context) (*oauth2.Token, error) {
		close(started)
		select {
		case <-release:
			return &oauth2.Token{AccessToken: "shared-token-1"}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}}
	ctx1, cancel1 := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, _, err := c.Header(ctx1); first <- err }()
	<-started
	second := make(chan string, 1)
	go func() { h, _, _ := c.Header(context.Background()); second <- h }()
	waitFor(t, func() bool { return c.waitersNow() == 2 })
	cancel1()
	assert.ErrorIs(t, <-first, context.Canceled)
	close(release)
	assert.Equal(t, "Bearer shared-token-1", <-second)
}

// TestCache_AbandonedFetch: when the last waiter gives up, a Cancellable
// fetch is cancelled and the next caller starts a new one only after it
// ended (never two in flight); a fetch that cannot be cancelled is left to
// finish, and the next caller starts a new one at once (a hung source does
// not wedge the Cache).
func TestCache_AbandonedFetch(t *testing.T) {
	for _, cancellable := range []bool{true, false} {
		t.Run("cancellable="+strconv.FormatBool(cancellable), func(t *testing.T) {
			var n, inflight, maxInflight atomic.Int32
			hang, cancelled := make(chan struct{}), make(chan struct{}, 2)
			c := &Cache{Reuse: true, Cancellable: cancellable, Timeout: time.Hour, Now: time.Now,
				Fetch: func(ctx context.Context) (*oauth2.Token, error) {
					defer inflight.Add(-1)
					if k := inflight.Add(1); k > maxInflight.Load() {
						maxInflight.Store(k)
					}
					if n.Add(1) == 1 { // the first fetch hangs until cancelled
						select {
						case <-ctx.Done():
							cancelled <- struct{}{}
							return nil, ctx.Err()
						case <-hang:
							return &oauth2.Token{AccessToken: "late-token-1"}, nil
						}
					}
					return &oauth2.Token{AccessToken: "next-token-2"}, nil
				}}
			defer close(hang)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { _, _, err := c.Header(ctx); done <- err }()
			waitFor(t, func() bool { return n.Load() == 1 })
			cancel()
			assert.ErrorIs(t, <-done, context.Canceled)
			h, _, err := c.Header(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "Bearer next-token-2", h)
			assert.Equal(t, int32(2), n.Load())
			if cancellable {
				assert.Len(t, cancelled, 1, "the abandoned fetch was cancelled")
				assert.Equal(t, int32(1), maxInflight.Load(), "never two fetches in flight")
			} else {
				assert.Empty(t, cancelled, "not cancelled")
				assert.Equal(t, int32(2), maxInflight.Load(), "the hung fetch runs on beside the new one")
			}
		})
	}
}

// TestCache_AnsweredDropsOnlyItsGeneration: a 401 drops the token it was
// for, not a newer one that replaced it meanwhile (another fetch, the
// password sent again).
func TestCache_AnsweredDropsOnlyItsGeneration(t *testing.T) {
	c, n := numbered(newClock(), 0)
	h, gen, err := c.Header(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer token-1-abcdef", h)
	c.Answered(gen, true) // a 401 for token 1
	h, _, err = c.Header(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer token-2-abcdef", h)
	c.Answered(gen, true) // a concurrent caller's 401 for token 1 again
	h, _, err = c.Header(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer token-2-abcdef", h)
	assert.Equal(t, int32(2), n.Load(), "one fetch per generation")
}

// TestCache_RefusedFreshTokenBacksOff: when a token fetched to replace a
// refused one is refused too, no token is fetched for a minute (errors wrap
// Refused); then one fetch is made again. A fresh token the server accepted
// once is replaced after a later refusal without back-off.
func TestCache_RefusedFreshTokenBacksOff(t *testing.T) {
	t.Run("refused at once", func(t *testing.T) {
		clk := newClock()
		c, n := numbered(clk, 0)
		for range 2 { // the first token refused, then its fresh replacement
			_, gen, err := c.Header(context.Background())
			require.NoError(t, err)
			c.Answered(gen, true)
		}
		_, _, err := c.Header(context.Background())
		require.ErrorIs(t, err, errRefused)
		clk.Add(refusedBackoff - time.Second)
		_, _, err = c.Header(context.Background())
		require.ErrorIs(t, err, errRefused)
		assert.Equal(t, int32(2), n.Load(), "no fetch while backing off")
		clk.Add(time.Second)
		h, _, err := c.Header(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "Bearer token-3-abcdef", h)
	})
	t.Run("accepted, refused later", func(t *testing.T) {
		c, n := numbered(newClock(), 0)
		_, gen, _ := c.Header(context.Background())
		c.Answered(gen, true)
		_, gen, _ = c.Header(context.Background()) // fresh
		c.Answered(gen, false)                     // accepted
		c.Answered(gen, true)                      // revoked later
		h, _, err := c.Header(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "Bearer token-3-abcdef", h)
		assert.Equal(t, int32(3), n.Load())
	})
}

// TestCache_FetchPanicReachesTheCaller: a Fetch that panics panics in the
// goroutine of the caller waiting for it (where a recover can catch it),
// not in the Cache's own goroutine, which would end the program; the next
// caller starts a new fetch.
func TestCache_FetchPanicReachesTheCaller(t *testing.T) {
	var n atomic.Int32
	c := &Cache{Reuse: true, Timeout: time.Hour, Now: time.Now,
		Fetch: func(context.Context) (*oauth2.Token, error) {
			if n.Add(1) == 1 {
				panic("source bug")
			}
			return &oauth2.Token{AccessToken: "second-token-2"}, nil
		}}
	assert.PanicsWithValue(t, "source bug", func() { _, _, _ = c.Header(context.Background()) })
	h, _, err := c.Header(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer second-token-2", h)
}

// TestCache_RefusedFetchBacksOff: a Fetch refused twice in a row (an error
// matching Refused: bad credentials) starts the back-off, during which no
// fetch is made and Header fails at once; another error does not, and a
// success in between starts the count again.
func TestCache_RefusedFetchBacksOff(t *testing.T) {
	errRefused, errOther := errors.New("refused"), errors.New("network")
	for name, tc := range map[string]struct {
		answers   []error
		wantFetch int32
	}{
		"refused every time: two fetches":              {[]error{errRefused}, 2},
		"other errors: a fetch per call":               {[]error{errOther}, 6},
		"refused, ok, refused, refused: counted again": {[]error{errRefused, nil, errRefused, errRefused}, 4},
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			c := &Cache{Timeout: time.Hour, Now: func() time.Time { return now }, Refused: errRefused,
				Fetch: func(context.Context) (*oauth2.Token, error) {
					i := int(n.Add(1)) - 1
					if err := tc.answers[min(i, len(tc.answers)-1)]; err != nil {
						return nil, err
					}
					return &oauth2.Token{AccessToken: "good-token-1"}, nil
				}}
			for range 6 {
				_, _, _ = c.Header(context.Background())
			}
			assert.Equal(t, tc.wantFetch, n.Load())
		})
	}
}
