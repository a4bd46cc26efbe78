/* struct thread *thread_switch(uint64_t *save_rsp, uint64_t next_rsp, struct thread *prev)
   Saves the callee-saved registers (System V AMD64 ABI) on the current stack, stores rsp in
   *save_rsp, switches to next_rsp, restores that thread's registers and returns PREV in the
   new context (so the resumed thread can clean up after the one that ran before it). */
        .section .text
        .globl thread_switch
thread_switch:
        pushq %rbx
        pushq %rbp
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        mov %rsp, (%rdi)
        mov %rsi, %rsp
        mov %rdx, %rax
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbp
        popq %rbx
        ret

/* First code of a new thread: r12 = function, r13 = argument, rax = previous thread. */
        .globl thread_trampoline
thread_trampoline:
        sub $8, %rsp
        mov %rax, %rdi
        movabs $thread_schedule_tail, %rax
        call *%rax
        sti
        mov %r13, %rdi
        call *%r12
        movabs $thread_exit, %rax
        call *%rax
