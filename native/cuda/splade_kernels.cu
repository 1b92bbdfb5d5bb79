// Exhaustive batched scoring and per-query top-k selection, with the index resident in GPU memory.
//
// Index (CSR over terms):  term_starts[t] .. term_starts[t + 1] index doc_ids / impacts of term t.
// Batch (flattened query terms): query term i belongs to query qt_query[i], term qt_term[i], weight qt_weight[i].
// Accumulators: scores[q * documents + d], 64-bit (weight x impact sums can pass 2^32).
// Top-k order: higher score first, then the smaller document number (the host numbers documents by input order);
// documents scoring 0 match no term and are never hits.
#include "kernel_prelude.h"

// One block per query term; its threads stride over the term's postings.
SF_KERNEL void sf_score_batch(
    const unsigned long long* term_starts, const unsigned* doc_ids, const unsigned short* impacts,
    const unsigned* qt_query, const unsigned* qt_term, const unsigned* qt_weight,
    unsigned documents, unsigned long long* scores)
{
    unsigned i = blockIdx.x;
    unsigned long long begin = term_starts[qt_term[i]], end = term_starts[qt_term[i] + 1];
    unsigned long long* row = scores + (unsigned long long)qt_query[i] * documents;
    unsigned long long weight = qt_weight[i];
    for (unsigned long long p = begin + threadIdx.x; p < end; p += blockDim.x)
        sf_atomic_add_u64(row + doc_ids[p], weight * impacts[p]);
}

// a ranks below b (a belongs nearer the root of a min-heap of the best hits).
SF_DEVICE bool sf_worse(unsigned long long score_a, unsigned doc_a, unsigned long long score_b, unsigned doc_b)
{
    return score_a < score_b || (score_a == score_b && doc_a > doc_b);
}

SF_DEVICE void sf_sift_down(unsigned long long* heap_scores, unsigned* heap_docs, unsigned count, unsigned at)
{
    unsigned long long score = heap_scores[at];
    unsigned doc = heap_docs[at];
    for (;;)
    {
        unsigned child = 2 * at + 1;
        if (child >= count)
            break;
        if (child + 1 < count && sf_worse(heap_scores[child + 1], heap_docs[child + 1], heap_scores[child], heap_docs[child]))
            child++;
        if (!sf_worse(heap_scores[child], heap_docs[child], score, doc))
            break;
        heap_scores[at] = heap_scores[child];
        heap_docs[at] = heap_docs[child];
        at = child;
    }
    heap_scores[at] = score;
    heap_docs[at] = doc;
}

SF_DEVICE void sf_sift_up(unsigned long long* heap_scores, unsigned* heap_docs, unsigned at)
{
    unsigned long long score = heap_scores[at];
    unsigned doc = heap_docs[at];
    while (at > 0)
    {
        unsigned parent = (at - 1) / 2;
        if (!sf_worse(score, doc, heap_scores[parent], heap_docs[parent]))
            break;
        heap_scores[at] = heap_scores[parent];
        heap_docs[at] = heap_docs[parent];
        at = parent;
    }
    heap_scores[at] = score;
    heap_docs[at] = doc;
}

// Offers a hit to a min-heap of at most k; returns the new count.
SF_DEVICE unsigned sf_offer(unsigned long long* heap_scores, unsigned* heap_docs, unsigned count, unsigned k, unsigned long long score, unsigned doc)
{
    if (count < k)
    {
        heap_scores[count] = score;
        heap_docs[count] = doc;
        sf_sift_up(heap_scores, heap_docs, count);
        return count + 1;
    }
    if (sf_worse(score, doc, heap_scores[0], heap_docs[0]))
        return count;
    heap_scores[0] = score;
    heap_docs[0] = doc;
    sf_sift_down(heap_scores, heap_docs, count, 0);
    return count;
}

// Phase 1: thread (query = blockIdx.y, part = blockIdx.x * blockDim.x + threadIdx.x) keeps the top k of its slice of
// the documents in heap slots [(query * parts + part) * k, + k); counts[query * parts + part] says how many are used.
SF_KERNEL void sf_partial_topk(
    const unsigned long long* scores, unsigned documents, unsigned k, unsigned parts,
    unsigned long long* heap_scores, unsigned* heap_docs, unsigned* counts)
{
    unsigned part = blockIdx.x * blockDim.x + threadIdx.x;
    if (part >= parts)
        return;
    unsigned query = blockIdx.y;
    unsigned long long slot = ((unsigned long long)query * parts + part) * k;
    unsigned long long first = (unsigned long long)documents * part / parts, last = (unsigned long long)documents * (part + 1) / parts;
    const unsigned long long* row = scores + (unsigned long long)query * documents;
    unsigned count = 0;
    for (unsigned long long d = first; d < last; d++)
    {
        if (row[d] != 0)
            count = sf_offer(heap_scores + slot, heap_docs + slot, count, k, row[d], (unsigned)d);
    }
    counts[(unsigned long long)query * parts + part] = count;
}

// Phase 2: one thread per query merges its parts' heaps into the final top k, written best first to
// out_scores / out_docs [query * k, + k) with out_counts[query] hits.
SF_KERNEL void sf_merge_topk(
    unsigned queries, unsigned k, unsigned parts,
    const unsigned long long* heap_scores, const unsigned* heap_docs, const unsigned* counts,
    unsigned long long* out_scores, unsigned* out_docs, unsigned* out_counts)
{
    unsigned query = blockIdx.x * blockDim.x + threadIdx.x;
    if (query >= queries)
        return;
    unsigned long long* best_scores = out_scores + (unsigned long long)query * k;
    unsigned* best_docs = out_docs + (unsigned long long)query * k;
    unsigned count = 0;
    for (unsigned part = 0; part < parts; part++)
    {
        unsigned long long slot = ((unsigned long long)query * parts + part) * k;
        for (unsigned i = 0; i < counts[(unsigned long long)query * parts + part]; i++)
            count = sf_offer(best_scores, best_docs, count, k, heap_scores[slot + i], heap_docs[slot + i]);
    }
    // Heap sort: repeatedly move the worst kept hit behind the heap, leaving the array best first.
    for (unsigned n = count; n > 1; n--)
    {
        unsigned long long score = best_scores[0];
        unsigned doc = best_docs[0];
        best_scores[0] = best_scores[n - 1];
        best_docs[0] = best_docs[n - 1];
        best_scores[n - 1] = score;
        best_docs[n - 1] = doc;
        sf_sift_down(best_scores, best_docs, n - 1, 0);
    }
    out_counts[query] = count;
}
