// C ABI of the host-emulated kernels (libsplade_kernels_emulated): the same kernel sources run as plain C++ over
// host memory, each launch a loop over its grid and block. Arguments are those of the kernels in splade_kernels.cu,
// preceded by the launch shape.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void sf_emulated_score_batch(unsigned query_terms, unsigned block_threads,
    const unsigned long long* term_starts, const unsigned* doc_ids, const unsigned short* impacts,
    const unsigned* qt_query, const unsigned* qt_term, const unsigned* qt_weight,
    unsigned documents, unsigned long long* scores);

void sf_emulated_partial_topk(unsigned queries, unsigned block_threads,
    const unsigned long long* scores, unsigned documents, unsigned k, unsigned parts,
    unsigned long long* heap_scores, unsigned* heap_docs, unsigned* counts);

void sf_emulated_merge_topk(unsigned block_threads,
    unsigned queries, unsigned k, unsigned parts,
    const unsigned long long* heap_scores, const unsigned* heap_docs, const unsigned* counts,
    unsigned long long* out_scores, unsigned* out_docs, unsigned* out_counts);

#ifdef __cplusplus
}
#endif
