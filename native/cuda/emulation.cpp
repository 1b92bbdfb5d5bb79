// Host emulation of the kernel launches: the grid and block loops a GPU would run in parallel, run in order.
#include "splade_kernels.h"
#include "splade_kernels.cu"

thread_local sf_dim3 threadIdx, blockIdx, blockDim, gridDim;

template <typename Kernel>
static void launch(sf_dim3 grid, sf_dim3 block, Kernel kernel)
{
    gridDim = grid;
    blockDim = block;
    for (blockIdx.y = 0; blockIdx.y < grid.y; blockIdx.y++)
        for (blockIdx.x = 0; blockIdx.x < grid.x; blockIdx.x++)
            for (threadIdx.x = 0; threadIdx.x < block.x; threadIdx.x++)
                kernel();
}

static unsigned blocks_for(unsigned threads, unsigned block_threads) { return (threads + block_threads - 1) / block_threads; }

extern "C" void sf_emulated_score_batch(unsigned query_terms, unsigned block_threads,
    const unsigned long long* term_starts, const unsigned* doc_ids, const unsigned short* impacts,
    const unsigned* qt_query, const unsigned* qt_term, const unsigned* qt_weight,
    unsigned documents, unsigned long long* scores)
{
    launch({query_terms, 1, 1}, {block_threads, 1, 1}, [&] {
        sf_score_batch(term_starts, doc_ids, impacts, qt_query, qt_term, qt_weight, documents, scores);
    });
}

extern "C" void sf_emulated_partial_topk(unsigned queries, unsigned block_threads,
    const unsigned long long* scores, unsigned documents, unsigned k, unsigned parts,
    unsigned long long* heap_scores, unsigned* heap_docs, unsigned* counts)
{
    launch({blocks_for(parts, block_threads), queries, 1}, {block_threads, 1, 1}, [&] {
        sf_partial_topk(scores, documents, k, parts, heap_scores, heap_docs, counts);
    });
}

extern "C" void sf_emulated_merge_topk(unsigned block_threads,
    unsigned queries, unsigned k, unsigned parts,
    const unsigned long long* heap_scores, const unsigned* heap_docs, const unsigned* counts,
    unsigned long long* out_scores, unsigned* out_docs, unsigned* out_counts)
{
    launch({blocks_for(queries, block_threads), 1, 1}, {block_threads, 1, 1}, [&] {
        sf_merge_topk(queries, k, parts, heap_scores, heap_docs, counts, out_scores, out_docs, out_counts);
    });
}
