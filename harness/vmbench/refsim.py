"""Page-replacement simulators over a reference string: FIFO, clock, LRU and Belady's OPT.

A reference string is a list of hashable page ids. `initial` lists the pages resident
before the first reference, oldest first (they count as loaded, not as faults). Every
simulator returns a Result: faults, and of those the cold ones (first reference to a page
that was never resident) and the major ones (a page loaded again after an eviction).
"""
import heapq
from collections import OrderedDict, deque

POLICIES = ("fifo", "clock", "lru", "opt")


class Result:
    """Fault counts of one simulation; `by_page` counts faults per page id."""

    def __init__(self):
        self.faults = 0
        self.cold = 0
        self.by_page = {}

    @property
    def major(self):
        return self.faults - self.cold

    def faults_of(self, pred):
        """Faults of the pages for which pred(page) is true."""
        return sum(n for p, n in self.by_page.items() if pred(p))

    def as_dict(self):
        return {"faults": self.faults, "cold": self.cold, "major": self.major}


class _Counter:
    def __init__(self, initial):
        self.seen = set(initial)
        self.result = Result()

    def fault(self, page):
        r = self.result
        r.faults += 1
        r.by_page[page] = r.by_page.get(page, 0) + 1
        if page not in self.seen:
            self.seen.add(page)
            r.cold += 1


def _check(frames, initial):
    if frames < 1:
        raise ValueError("frames must be at least 1, not %r" % (frames,))
    if len(initial) > frames or len(set(initial)) != len(initial):
        raise ValueError("initial pages must be distinct and fit in the frames")


def fifo(refs, frames, initial=()):
    """Evicts the page loaded longest ago; references do not change the order."""
    _check(frames, initial)
    count = _Counter(initial)
    queue = deque(initial)
    resident = set(initial)
    for page in refs:
        if page in resident:
            continue
        count.fault(page)
        if len(queue) == frames:
            resident.discard(queue.popleft())
        queue.append(page)
        resident.add(page)
    return count.result


def clock(refs, frames, initial=()):
    """Second chance: frames in a ring in fill order, a reference bit per frame set on every
    reference; at a fault with no free frame the hand clears set bits until it finds a
    clear one, replaces that page (bit set: the faulting access references it) and moves
    on. Initial pages start with their bit set."""
    _check(frames, initial)
    count = _Counter(initial)
    ring = list(initial)
    bit = [True] * len(ring)
    where = {p: i for i, p in enumerate(ring)}
    hand = 0
    for page in refs:
        i = where.get(page)
        if i is not None:
            bit[i] = True
            continue
        count.fault(page)
        if len(ring) < frames:
            where[page] = len(ring)
            ring.append(page)
            bit.append(True)
            continue
        while bit[hand]:
            bit[hand] = False
            hand = (hand + 1) % frames
        del where[ring[hand]]
        ring[hand] = page
        bit[hand] = True
        where[page] = hand
        hand = (hand + 1) % frames
    return count.result


def lru(refs, frames, initial=()):
    """Evicts the page referenced longest ago."""
    _check(frames, initial)
    count = _Counter(initial)
    order = OrderedDict((p, None) for p in initial)
    for page in refs:
        if page in order:
            order.move_to_end(page)
            continue
        count.fault(page)
        if len(order) == frames:
            order.popitem(last=False)
        order[page] = None
    return count.result


def opt(refs, frames, initial=()):
    """Belady's OPT: evicts the resident page whose next reference is farthest away (never
    referenced again counts as farthest). The minimum number of faults for the string."""
    _check(frames, initial)
    count = _Counter(initial)
    n = len(refs)
    next_use = [0] * n
    last = {}
    for i in range(n - 1, -1, -1):
        next_use[i] = last.get(refs[i], n + 1)
        last[refs[i]] = i
    resident = {}
    heap = []
    for p in initial:
        resident[p] = last.get(p, n + 1)
        heapq.heappush(heap, (-resident[p], repr(p), p))
    for i, page in enumerate(refs):
        if page not in resident:
            count.fault(page)
            if len(resident) == frames:
                while True:
                    neg, _, victim = heapq.heappop(heap)
                    if resident.get(victim) == -neg:
                        del resident[victim]
                        break
        resident[page] = next_use[i]
        heapq.heappush(heap, (-next_use[i], repr(page), page))
    return count.result


SIMULATORS = {"fifo": fifo, "clock": clock, "lru": lru, "opt": opt}


def simulate(policy, refs, frames, initial=()):
    """Runs the named simulator (one of POLICIES)."""
    try:
        sim = SIMULATORS[policy]
    except KeyError:
        raise ValueError("unknown policy %r (known: %s)" % (policy, ", ".join(POLICIES)))
    return sim(refs, frames, initial)
