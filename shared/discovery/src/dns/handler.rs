//! The bridge from hickory-server to the [`Zone`]: one DNS message in, the
//! zone's answer out, over UDP or TCP alike.

use std::iter;
use std::sync::Arc;

use hickory_server::net::runtime::Time;
use hickory_server::proto::op::{
    Edns, Header, HeaderCounts, MessageType, Metadata, OpCode, ResponseCode,
};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

use super::zone::{Reply, Zone};

pub(crate) struct ZoneHandler {
    pub zone: Arc<Zone>,
}

#[async_trait::async_trait]
impl RequestHandler for ZoneHandler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        self.zone.count_query();

        // Echo EDNS with the client's buffer size: without it a UDP answer is
        // cut at 512 bytes, and a service with a dozen tasks would always
        // need the TCP retry.
        let response_edns = request.edns.as_ref().map(|edns| {
            let mut response = Edns::new();
            response.set_max_payload(edns.max_payload().max(512));
            response.set_version(0);
            response
        });
        let mut builder = MessageResponseBuilder::from_message_request(request);
        if let Some(edns) = &response_edns {
            builder.edns(edns);
        }

        let is_query = request.metadata.message_type == MessageType::Query
            && request.metadata.op_code == OpCode::Query;
        let reply = match request.request_info() {
            Ok(info) if is_query => self
                .zone
                .answer(&info.query.name().to_string(), info.query.query_type()),
            Ok(_) => Reply::empty(ResponseCode::NotImp),
            Err(_) => Reply::empty(ResponseCode::FormErr),
        };

        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.response_code = reply.code;
        metadata.authoritative = reply.code != ResponseCode::Refused;
        let response = builder.build(
            metadata,
            reply.answers.iter(),
            iter::empty(),
            reply.soa.iter(),
            reply.additionals.iter(),
        );
        match response_handle.send_response(response).await {
            Ok(info) => info,
            Err(error) => {
                tracing::warn!(%error, "could not send a DNS response");
                metadata.response_code = ResponseCode::ServFail;
                ResponseInfo::from(Header {
                    metadata,
                    counts: HeaderCounts::default(),
                })
            }
        }
    }
}
