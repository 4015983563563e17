//! What a front end must do, after rfd's shape: a small trait a window or a terminal
//! implements, while the [`Conversation`] holds the flow.

use crate::conversation::{Conversation, Effect, Event};
use crate::outcome::Outcome;
use crate::work::Work;

/// A front end of the disconnect conversation: it draws the state it is given, runs the
/// work it is handed, and reports what the person does as [`Event`]s through [`drive`].
/// It holds no flow of its own.
pub trait FrontEnd {
    /// Draw the conversation as it now is.
    fn show(&mut self, conversation: &Conversation);
    /// Run `work` off the drawing thread ([`Work::run`]), then [`drive`] the event it gives.
    fn spawn(&mut self, work: Work);
    /// The conversation is over: answer the host with `outcome` and take the dialog away.
    fn end(&mut self, outcome: Outcome);
}

/// Feed `event` to `conversation`, have `front` do what it asks, and show the result.
pub fn drive(conversation: &mut Conversation, front: &mut impl FrontEnd, event: Event) {
    for effect in conversation.handle(event) {
        match effect {
            Effect::Run(work) => front.spawn(work),
            Effect::End(outcome) => {
                front.end(outcome);
                return;
            }
        }
    }
    front.show(conversation);
}
