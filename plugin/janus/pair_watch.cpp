// libnice's "new-selected-pair-full" signal, wrapped in an RAII token.
#include <mutex>

#include "handle_access.h"
#include "janus_bridge.h"
#include "nice_pair.h"

namespace swiftcall::janus {

// Shared by the token and the signal closure, so that unsubscribe() can wait
// out a callback running on the loop thread and stop later ones.
struct PairWatchState {
    std::mutex lock;
    PairChangedFn on_change;  // empty once unsubscribed
};

namespace {

struct ClosureData {
    std::shared_ptr<PairWatchState> state;
};

void on_new_selected_pair_full(NiceAgent*, guint, guint, NiceCandidate* local,
                               NiceCandidate* remote, gpointer user_data) {
    auto* data = static_cast<ClosureData*>(user_data);
    if (local == nullptr || remote == nullptr) return;
    // The candidates are valid only during the emission: convert them now.
    const SelectedPair pair = pair_from_candidates(local, remote);
    std::lock_guard guard(data->state->lock);
    if (data->state->on_change) data->state->on_change(pair);
}

void free_closure_data(gpointer user_data, GClosure*) {
    delete static_cast<ClosureData*>(user_data);
}

}  // namespace

PairWatch::PairWatch(PairWatch&& other) noexcept { *this = std::move(other); }

PairWatch& PairWatch::operator=(PairWatch&& other) noexcept {
    if (this != &other) {
        unsubscribe();
        state_ = std::move(other.state_);
        agent_ = other.agent_;
        signal_id_ = other.signal_id_;
        agent_created_us_ = other.agent_created_us_;
        other.agent_ = nullptr;
        other.signal_id_ = 0;
    }
    return *this;
}

void PairWatch::unsubscribe() {
    if (agent_ == nullptr) return;
    {
        std::lock_guard guard(state_->lock);
        state_->on_change = nullptr;
    }
    auto* agent = static_cast<NiceAgent*>(agent_);
    if (g_signal_handler_is_connected(agent, signal_id_))
        g_signal_handler_disconnect(agent, signal_id_);
    g_object_unref(agent);
    agent_ = nullptr;
    signal_id_ = 0;
    state_.reset();
}

std::optional<PairWatch> watch_selected_pair(janus_plugin_session* handle, PairChangedFn on_change,
                                             std::string* why_not) {
    auto state = std::make_shared<PairWatchState>();
    state->on_change = std::move(on_change);
    std::optional<PairWatch> watch;
    internal::with_locked_handle(handle, why_not, [&](janus_ice_handle* h) {
        if (h->agent == nullptr || !G_IS_OBJECT(h->agent)) {
            if (why_not) *why_not = "no ICE agent";
            return;
        }
        PairWatch w;
        w.state_ = state;
        w.agent_ = g_object_ref(h->agent);
        w.agent_created_us_ = h->agent_created;
        w.signal_id_ = g_signal_connect_data(
            h->agent, "new-selected-pair-full", G_CALLBACK(on_new_selected_pair_full),
            new ClosureData{state}, free_closure_data, static_cast<GConnectFlags>(0));
        if (w.signal_id_ == 0) {
            if (why_not) *why_not = "cannot connect to new-selected-pair-full";
            return;  // w's destructor drops the agent reference
        }
        watch = std::move(w);
    });
    return watch;
}

}  // namespace swiftcall::janus
