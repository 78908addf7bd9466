/* spdk/queue.h (lockstep compatibility): BSD intrusive lists.
 *
 * The C library's <sys/queue.h> gives SLIST, LIST, STAILQ, TAILQ and CIRCLEQ. SPDK code also
 * uses the BSD additions that glibc's copy lacks; they are defined here, each only when the C
 * library does not already define it, with the BSD meanings:
 *   - *_FOREACH_SAFE(var, head, field, tvar): iteration that allows removing (and freeing) var.
 *   - *_FOREACH_FROM(var, head, field): iteration from var (from the first element when var is
 *     NULL); *_FOREACH_FROM_SAFE both.
 *   - TAILQ_FOREACH_REVERSE_FROM, TAILQ_FOREACH_REVERSE_SAFE, TAILQ_FOREACH_REVERSE_FROM_SAFE.
 *   - STAILQ_LAST(head, type, field): the last element or NULL; LIST_PREV(elm, head, type,
 *     field): the previous element or NULL.
 *   - STAILQ_REMOVE_AFTER(head, elm, field); STAILQ_SWAP(h1, h2, type);
 *     LIST_SWAP(h1, h2, type, field); TAILQ_SWAP(h1, h2, type, field): exchange two lists. */
#ifndef LOCKSTEP_SPDK_QUEUE_H
#define LOCKSTEP_SPDK_QUEUE_H

#include <stddef.h>
#include <sys/cdefs.h>
#include <sys/queue.h>

/* SLIST */
#ifndef SLIST_FOREACH_SAFE
#define SLIST_FOREACH_SAFE(var, head, field, tvar) \
  for ((var) = SLIST_FIRST(head); (var) && ((tvar) = SLIST_NEXT((var), field), 1); (var) = (tvar))
#endif
#ifndef SLIST_FOREACH_FROM
#define SLIST_FOREACH_FROM(var, head, field) \
  for ((var) = ((var) ? (var) : SLIST_FIRST(head)); (var); (var) = SLIST_NEXT((var), field))
#endif

/* STAILQ */
#ifndef STAILQ_FOREACH_FROM
#define STAILQ_FOREACH_FROM(var, head, field) \
  for ((var) = ((var) ? (var) : STAILQ_FIRST(head)); (var); (var) = STAILQ_NEXT((var), field))
#endif
#ifndef STAILQ_FOREACH_SAFE
#define STAILQ_FOREACH_SAFE(var, head, field, tvar)                               \
  for ((var) = STAILQ_FIRST(head); (var) && ((tvar) = STAILQ_NEXT((var), field), 1); \
       (var) = (tvar))
#endif
#ifndef STAILQ_FOREACH_FROM_SAFE
#define STAILQ_FOREACH_FROM_SAFE(var, head, field, tvar)                 \
  for ((var) = ((var) ? (var) : STAILQ_FIRST(head));                     \
       (var) && ((tvar) = STAILQ_NEXT((var), field), 1); (var) = (tvar))
#endif
#ifndef STAILQ_LAST
/* stqh_last points at the last element's next field (or at stqh_first when empty). */
#define STAILQ_LAST(head, type, field)                                             \
  (STAILQ_EMPTY(head) ? NULL                                                        \
                      : (struct type *)(void *)((char *)((head)->stqh_last) -      \
                                                offsetof(struct type, field)))
#endif
#ifndef STAILQ_REMOVE_AFTER
#define STAILQ_REMOVE_AFTER(head, elm, field)                                         \
  do {                                                                                \
    if ((STAILQ_NEXT(elm, field) = STAILQ_NEXT(STAILQ_NEXT(elm, field), field)) == NULL) \
      (head)->stqh_last = &STAILQ_NEXT((elm), field);                                 \
  } while (0)
#endif
#ifndef STAILQ_SWAP
#define STAILQ_SWAP(head1, head2, type)                                   \
  do {                                                                    \
    struct type *lockstep_swap_first = STAILQ_FIRST(head1);               \
    struct type **lockstep_swap_last = (head1)->stqh_last;                \
    STAILQ_FIRST(head1) = STAILQ_FIRST(head2);                            \
    (head1)->stqh_last = (head2)->stqh_last;                              \
    STAILQ_FIRST(head2) = lockstep_swap_first;                            \
    (head2)->stqh_last = lockstep_swap_last;                              \
    if (STAILQ_EMPTY(head1)) (head1)->stqh_last = &STAILQ_FIRST(head1);   \
    if (STAILQ_EMPTY(head2)) (head2)->stqh_last = &STAILQ_FIRST(head2);   \
  } while (0)
#endif

/* LIST */
#ifndef LIST_FOREACH_FROM
#define LIST_FOREACH_FROM(var, head, field) \
  for ((var) = ((var) ? (var) : LIST_FIRST(head)); (var); (var) = LIST_NEXT((var), field))
#endif
#ifndef LIST_FOREACH_SAFE
#define LIST_FOREACH_SAFE(var, head, field, tvar) \
  for ((var) = LIST_FIRST(head); (var) && ((tvar) = LIST_NEXT((var), field), 1); (var) = (tvar))
#endif
#ifndef LIST_FOREACH_FROM_SAFE
#define LIST_FOREACH_FROM_SAFE(var, head, field, tvar)               \
  for ((var) = ((var) ? (var) : LIST_FIRST(head));                   \
       (var) && ((tvar) = LIST_NEXT((var), field), 1); (var) = (tvar))
#endif
#ifndef LIST_PREV
/* le_prev points at the previous element's le_next (or at lh_first for the first element). */
#define LIST_PREV(elm, head, type, field)                                        \
  ((elm)->field.le_prev == &LIST_FIRST((head))                                   \
       ? NULL                                                                    \
       : (struct type *)(void *)((char *)((elm)->field.le_prev) -               \
                                 offsetof(struct type, field.le_next)))
#endif
#ifndef LIST_SWAP
#define LIST_SWAP(head1, head2, type, field)                                            \
  do {                                                                                  \
    struct type *lockstep_swap_tmp = LIST_FIRST((head1));                               \
    LIST_FIRST((head1)) = LIST_FIRST((head2));                                          \
    LIST_FIRST((head2)) = lockstep_swap_tmp;                                            \
    if ((lockstep_swap_tmp = LIST_FIRST((head1))) != NULL)                              \
      lockstep_swap_tmp->field.le_prev = &LIST_FIRST((head1));                          \
    if ((lockstep_swap_tmp = LIST_FIRST((head2))) != NULL)                              \
      lockstep_swap_tmp->field.le_prev = &LIST_FIRST((head2));                          \
  } while (0)
#endif

/* TAILQ */
#ifndef TAILQ_FOREACH_FROM
#define TAILQ_FOREACH_FROM(var, head, field) \
  for ((var) = ((var) ? (var) : TAILQ_FIRST(head)); (var); (var) = TAILQ_NEXT((var), field))
#endif
#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar) \
  for ((var) = TAILQ_FIRST(head); (var) && ((tvar) = TAILQ_NEXT((var), field), 1); (var) = (tvar))
#endif
#ifndef TAILQ_FOREACH_FROM_SAFE
#define TAILQ_FOREACH_FROM_SAFE(var, head, field, tvar)               \
  for ((var) = ((var) ? (var) : TAILQ_FIRST(head));                   \
       (var) && ((tvar) = TAILQ_NEXT((var), field), 1); (var) = (tvar))
#endif
#ifndef TAILQ_FOREACH_REVERSE_FROM
#define TAILQ_FOREACH_REVERSE_FROM(var, head, headname, field)           \
  for ((var) = ((var) ? (var) : TAILQ_LAST((head), headname)); (var);   \
       (var) = TAILQ_PREV((var), headname, field))
#endif
#ifndef TAILQ_FOREACH_REVERSE_SAFE
#define TAILQ_FOREACH_REVERSE_SAFE(var, head, headname, field, tvar)             \
  for ((var) = TAILQ_LAST((head), headname);                                     \
       (var) && ((tvar) = TAILQ_PREV((var), headname, field), 1); (var) = (tvar))
#endif
#ifndef TAILQ_FOREACH_REVERSE_FROM_SAFE
#define TAILQ_FOREACH_REVERSE_FROM_SAFE(var, head, headname, field, tvar)        \
  for ((var) = ((var) ? (var) : TAILQ_LAST((head), headname));                   \
       (var) && ((tvar) = TAILQ_PREV((var), headname, field), 1); (var) = (tvar))
#endif
#ifndef TAILQ_SWAP
#define TAILQ_SWAP(head1, head2, type, field)                                  \
  do {                                                                         \
    struct type *lockstep_swap_first = (head1)->tqh_first;                     \
    struct type **lockstep_swap_last = (head1)->tqh_last;                      \
    (head1)->tqh_first = (head2)->tqh_first;                                   \
    (head1)->tqh_last = (head2)->tqh_last;                                     \
    (head2)->tqh_first = lockstep_swap_first;                                  \
    (head2)->tqh_last = lockstep_swap_last;                                    \
    if ((lockstep_swap_first = (head1)->tqh_first) != NULL)                    \
      lockstep_swap_first->field.tqe_prev = &(head1)->tqh_first;               \
    else                                                                       \
      (head1)->tqh_last = &(head1)->tqh_first;                                 \
    if ((lockstep_swap_first = (head2)->tqh_first) != NULL)                    \
      lockstep_swap_first->field.tqe_prev = &(head2)->tqh_first;               \
    else                                                                       \
      (head2)->tqh_last = &(head2)->tqh_first;                                 \
  } while (0)
#endif

#endif /* LOCKSTEP_SPDK_QUEUE_H */
