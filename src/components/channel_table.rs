//! "Ticket sources and routing ▸ Channels": a channel a row, with the move action for super admins.

use deskmove_rules::{Channel, ChannelId};
use leptos::prelude::*;

use crate::i18n::td_string;
use crate::words::{self, locale};

use super::kind_icon::KindIcon;
use super::list::DataTable;
use super::move_menu::MoveMenu;

#[component]
pub fn ChannelTable(
    /// The inbox's channels, as the API lists them.
    #[prop(into)]
    channels: Signal<Vec<Channel>>,
    /// Whether the signed-in user may move channels (R1); agents get no action at all.
    #[prop(into)]
    can_move: Signal<bool>,
    /// Whether each channel's name opens its page (R30: super admins).
    #[prop(optional, into)]
    can_edit: Signal<bool>,
    /// Called with the channel whose "Move to help desk" was chosen.
    on_move: Callback<Channel>,
) -> impl IntoView {
    let l = locale();
    let (address, workspace) = (
        td_string!(l, channels.address),
        td_string!(l, channels.workspace),
    );
    let columns = vec![td_string!(l, channels.channel), address, workspace];
    view! {
        <DataTable class="channel-table" columns=columns actions=true>
                <For
                    each=move || channels.get()
                    key=|c| (c.id, c.name.clone(), c.movable.clone(), c.workspace)
                    children=move |channel: Channel| {
                        let for_menu = channel.clone();
                        view! {
                            <tr data-channel=channel.name.clone()>
                                <td>
                                    <div class="channel-cell">
                                        <KindIcon kind=channel.kind/>
                                        <div>
                                            <div class="channel-name">{channel_link(channel.id, channel.name.clone(), can_edit)}</div>
                                            <div class="muted small">{words::channel_kind(l, channel.kind)}</div>
                                        </div>
                                    </div>
                                </td>
                                <td class="address" data-label=address title=channel.address.clone()>{channel.address_in_words()}</td>
                                <td data-label=workspace>
                                    <span class=format!("workspace-badge {}", channel.workspace.as_str())>
                                        {words::workspace(l, channel.workspace)}
                                    </span>
                                </td>
                                <td class="actions">
                                    <Show when=move || can_move.get()>
                                        {
                                            let c = for_menu.clone();
                                            view! {
                                                <MoveMenu
                                                    trigger=td_string!(l, channels.options)
                                                    channel_name=c.name.clone()
                                                    movable=c.movable.clone()
                                                    on_move=Callback::new(move |_| on_move.run(c.clone()))
                                                />
                                            }
                                        }
                                    </Show>
                                </td>
                            </tr>
                        }
                    }
                />
        </DataTable>
    }
}

/// R30: a channel's name, opening its page for those who may change it.
pub fn channel_link(id: ChannelId, name: String, can_edit: Signal<bool>) -> impl IntoView {
    move || {
        if can_edit.get() {
            view! { <a href=format!("/settings/channels/{id}")>{name.clone()}</a> }.into_any()
        } else {
            name.clone().into_any()
        }
    }
}
